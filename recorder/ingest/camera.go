// Package ingest pulls one RTSP camera stream per Camera and hands its
// video to a Sink as media.AccessUnits: parameter sets tracked out of band,
// keyframes marked, timestamps made continuous per run and tied to a wall
// clock. It reconnects on its own, forever, with jittered backoff.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"skyguard/recorder/media"
)

// Sink receives every access unit of a camera, in order, from one
// goroutine. It must not block for long: it runs on the RTP read path.
type Sink interface {
	WriteAccessUnit(au *media.AccessUnit)
}

// healthyPeriod of streaming after which the backoff starts over.
const healthyPeriod = 30 * time.Second

// Camera is the ingest of one camera URL.
type Camera struct {
	cfg  Config
	sink Sink
	log  *slog.Logger
	tr   *tracker
}

// New prepares a camera; nothing happens until Run.
func New(cfg Config, sink Sink, log *slog.Logger) *Camera {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("camera", cfg.ID)
	c := &Camera{cfg: cfg.withDefaults(), sink: sink, log: log}
	c.tr = &tracker{id: cfg.ID, log: log}
	c.tr.st.Status = StatusStopped
	c.tr.st.Since = time.Now()
	return c
}

// State returns a snapshot; safe for concurrent use.
func (c *Camera) State() State { return c.tr.snapshot() }

// Run pulls the stream until ctx is done, reconnecting after any failure.
// It returns nil when ctx ends, or an error for a configuration that can
// never work (bad URL or transport).
func (c *Camera) Run(ctx context.Context) error {
	defer c.tr.setStatus(StatusStopped, nil)
	u, err := c.cfg.validate()
	if err != nil {
		err = fmt.Errorf("ingest: camera %s: %w", c.cfg.ID, err)
		c.tr.setStatus(StatusFailing, err)
		return err
	}
	bo := backoff{min: c.cfg.BackoffMin, max: c.cfg.BackoffMax}
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			c.tr.update(func(s *State) { s.Reconnects++ })
		}
		c.tr.setStatus(StatusConnecting, nil)
		started := time.Now()
		streamedFor, err := c.session(ctx, u)
		if ctx.Err() != nil {
			return nil
		}
		if err == nil {
			err = errors.New("session ended")
		}
		if streamedFor >= healthyPeriod {
			bo.reset()
		}
		delay := bo.next()
		c.tr.setStatus(StatusFailing, err)
		c.log.Debug("ingest: retry scheduled", "in", delay, "session", time.Since(started))
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}
