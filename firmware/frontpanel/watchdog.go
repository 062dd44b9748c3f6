package frontpanel

import (
	"context"
	"io"
	"sync/atomic"
	"time"

	"skyguard/board/watchdog"
)

// WatchdogInterval is how often the watchdog is considered for feeding:
// both counters must have moved within it. 5 s is well under the usual
// 15-60 s driver timeouts, and long enough for a 25 fps camera and the
// ring's periodic syncs to show progress.
const WatchdogInterval = 5 * time.Second

// watchdogState is what the snapshot reports of the watchdog.
type watchdogState struct {
	running atomic.Bool
	present atomic.Bool
	feeds   atomic.Int64
}

// progress is the watchdog's health test: frames ingested (all cameras)
// and ring bytes written both advancing.
func (p *Panel) progress() func() bool {
	return watchdog.Advancing(
		func() uint64 {
			var n uint64
			for _, c := range p.cfg.Source.Cameras() {
				n += c.Frames
			}
			return n
		},
		func() uint64 { return p.cfg.Source.Storage().BytesWritten },
	)
}

// runWatchdog opens the device and feeds it while the recorder makes
// progress; when ctx ends (a clean shutdown) it disarms it. An absent
// device is a warning (board/watchdog logs it); any other open error is
// logged and the box records on without one rather than not at all.
// open is for tests (nil: the real device).
func (p *Panel) runWatchdog(ctx context.Context, path string, every time.Duration, open func(string) (io.WriteCloser, error)) {
	dog, err := watchdog.Open(watchdog.Config{Path: path, Interval: every, Logger: p.log, Open: open})
	if err != nil {
		p.log.Error("watchdog: not running", "err", err)
		return
	}
	p.watchdog.running.Store(true)
	p.watchdog.present.Store(dog.Present())
	defer p.watchdog.running.Store(false)
	progress := p.progress()
	counted := func() bool {
		ok := progress()
		if ok && dog.Present() {
			p.watchdog.feeds.Add(1)
		}
		return ok
	}
	if err := dog.Run(ctx, counted); err != nil {
		p.log.Error("watchdog: stopped", "err", err)
	}
	present := dog.Present()
	if err := dog.Close(true); err != nil {
		p.log.Error("watchdog: disarm", "err", err)
	} else if present {
		p.log.Info("watchdog: disarmed on clean shutdown", "path", path)
	}
}
