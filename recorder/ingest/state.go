package ingest

import (
	"log/slog"
	"sync"
	"time"
)

// Status values of a camera.
const (
	StatusConnecting = "connecting"
	StatusStreaming  = "streaming"
	StatusFailing    = "failing"
	StatusStopped    = "stopped"
)

// State is a snapshot of a camera's ingest, for LEDs and the UI.
type State struct {
	Status     string
	LastError  string
	Since      time.Time // when Status last changed
	Codec      string
	Width      int
	Height     int
	FPS        float64 // averaged over the last ~5 s
	BitrateBps float64 // averaged over the last ~5 s
	Frames     uint64  // delivered since New
	Bytes      uint64  // NALU payload bytes delivered since New
	Reconnects int
	Transport  string // "udp" or "tcp" once playing
	Note       string // e.g. media that are present but ignored
	Audio      string // G.711 codec passed on ("PCMU", "PCMA"), or ""
}

// rateWindow is the span FPS and bitrate are averaged over.
const rateWindow = 5 * time.Second

type sample struct {
	at    time.Time
	bytes int
}

// tracker holds the mutable state behind State; every method is safe for
// concurrent use.
type tracker struct {
	id  string
	log *slog.Logger

	mu      sync.Mutex
	st      State
	samples []sample // frames within rateWindow, oldest first
}

func (t *tracker) setStatus(status string, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	msg := ""
	if err != nil {
		msg = err.Error()
		t.st.LastError = msg
	}
	if t.st.Status == status {
		return
	}
	t.st.Status = status
	t.st.Since = time.Now()
	if status != StatusStreaming {
		t.samples = t.samples[:0]
	}
	switch {
	case err != nil:
		t.log.Warn("ingest: camera state", "status", status, "err", msg)
	default:
		t.log.Info("ingest: camera state", "status", status)
	}
}

func (t *tracker) update(fn func(*State)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fn(&t.st)
}

func (t *tracker) frame(now time.Time, size int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.st.Frames++
	t.st.Bytes += uint64(size)
	t.samples = append(t.samples, sample{now, size})
	t.trimLocked(now)
}

func (t *tracker) trimLocked(now time.Time) {
	cut := 0
	for cut < len(t.samples) && now.Sub(t.samples[cut].at) > rateWindow {
		cut++
	}
	if cut > 0 {
		t.samples = append(t.samples[:0], t.samples[cut:]...)
	}
}

func (t *tracker) snapshot() State {
	t.mu.Lock()
	defer t.mu.Unlock()
	st := t.st
	now := time.Now()
	t.trimLocked(now)
	if n := len(t.samples); n >= 2 {
		span := t.samples[n-1].at.Sub(t.samples[0].at)
		if span > 0 {
			bytes := 0
			for _, s := range t.samples[1:] {
				bytes += s.bytes
			}
			st.FPS = float64(n-1) / span.Seconds()
			st.BitrateBps = float64(bytes) * 8 / span.Seconds()
		}
	}
	return st
}
