package app

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"skyguard/firmware/config"
	"skyguard/recorder/hub"
	"skyguard/recorder/ingest"
	"skyguard/recorder/media"
)

// recorderQueue bounds the frames waiting for the disk per camera: 20 s at
// 25 fps rides out a slow fdatasync without unbounded memory.
const recorderQueue = 500

// flushIdle is how long a camera may send nothing before its buffered GOP
// is written out, so a camera that vanishes loses no recorded tail.
const flushIdle = 2 * time.Second

// appender is what the recorder loop needs from the store.
type appender interface {
	Append(camera string, au *media.AccessUnit) error
	Flush(camera string) error
}

// camera is one configured camera: its ingest, its hub, and its recorder.
type camera struct {
	cfg    config.Camera
	hub    *hub.Hub
	ingest *ingest.Camera
	// The sub stream, when configured, feeds live view only: browsers that
	// cannot take the main stream's codec, and weak uplinks.
	sub       *hub.Hub
	subIngest *ingest.Camera
	log       *slog.Logger

	lastWritten atomic.Int64 // unix ns of the newest frame handed to the store
	writeErrs   atomic.Uint64
	recording   atomic.Bool
}

func newCamera(cfg config.Camera, log *slog.Logger) *camera {
	h := hub.New()
	c := &camera{cfg: cfg, hub: h, log: log.With("camera", cfg.ID)}
	c.ingest = ingest.New(ingest.Config{ID: cfg.ID, URL: cfg.Main, Transport: cfg.Transport}, h, log)
	if cfg.Sub != "" {
		c.sub = hub.New()
		c.subIngest = ingest.New(ingest.Config{ID: cfg.ID + "/sub", URL: cfg.Sub, Transport: cfg.Transport}, c.sub, log)
	}
	return c
}

// record moves frames from the hub to the store until ctx ends.
func (c *camera) record(ctx context.Context, store appender) {
	sub := c.hub.Subscribe(recorderQueue)
	defer sub.Close()
	idle := time.NewTimer(flushIdle)
	defer idle.Stop()
	var failing bool
	// The ring drops frames until a run's first keyframe; the camera is
	// only shown recording once frames really go to disk.
	var keyed bool
	for {
		select {
		case <-ctx.Done():
			c.flush(store)
			return
		case <-idle.C:
			c.flush(store)
			c.recording.Store(false)
			idle.Reset(flushIdle)
		case au, ok := <-sub.C():
			if !ok {
				c.flush(store)
				return
			}
			if !idle.Stop() {
				select {
				case <-idle.C:
				default:
				}
			}
			idle.Reset(flushIdle)
			if au.NewRun {
				keyed = false
			}
			keyed = keyed || au.Key
			if err := store.Append(c.cfg.ID, au); err != nil {
				c.writeErrs.Add(1)
				c.recording.Store(false)
				if !failing {
					c.log.Error("recorder: append", "err", err)
					failing = true
				}
				continue
			}
			if failing {
				c.log.Info("recorder: writing again")
				failing = false
			}
			if keyed {
				c.recording.Store(true)
				c.lastWritten.Store(au.Wall.UnixNano())
			}
		}
	}
}

func (c *camera) flush(store appender) {
	if err := store.Flush(c.cfg.ID); err != nil {
		c.log.Warn("recorder: flush", "err", err)
	}
}
