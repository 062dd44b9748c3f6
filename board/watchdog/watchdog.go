package watchdog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"time"
)

// Config says where the device is and how often to feed it.
type Config struct {
	Path     string        // default /dev/watchdog
	Interval time.Duration // default 5 s; keep well under the driver timeout
	Logger   *slog.Logger
	// Open opens the device; nil means os.OpenFile for writing. Tests
	// pass a fake.
	Open func(path string) (io.WriteCloser, error)
}

// Dog is an open (or absent) watchdog; it implements board.Watchdog.
type Dog struct {
	cfg  Config
	log  *slog.Logger
	mu   sync.Mutex
	dev  io.WriteCloser // nil when absent or closed
	tick func(time.Duration) (<-chan time.Time, func())
}

// Open opens the watchdog. A missing device is logged as a warning and
// gives a Dog whose Feed does nothing: development machines have none.
// Any other open error is returned.
func Open(cfg Config) (*Dog, error) {
	if cfg.Path == "" {
		cfg.Path = "/dev/watchdog"
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 5 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Open == nil {
		cfg.Open = func(p string) (io.WriteCloser, error) { return os.OpenFile(p, os.O_WRONLY, 0) }
	}
	d := &Dog{cfg: cfg, log: cfg.Logger, tick: realTicker}
	dev, err := cfg.Open(cfg.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		d.log.Warn("watchdog: device absent, running without a hardware watchdog", "path", cfg.Path)
	case err != nil:
		return nil, fmt.Errorf("watchdog: open %s: %w", cfg.Path, err)
	default:
		d.dev = dev
	}
	return d, nil
}

func realTicker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// Present reports whether a device is open.
func (d *Dog) Present() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.dev != nil
}

// Feed pets the watchdog. Any byte but 'V' feeds and cancels an earlier
// magic close.
func (d *Dog) Feed() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dev == nil {
		return nil
	}
	if _, err := d.dev.Write([]byte{'k'}); err != nil {
		return fmt.Errorf("watchdog: feed %s: %w", d.cfg.Path, err)
	}
	return nil
}

// Close closes the device. With disarm it first writes the magic 'V' so
// the driver stops the timer (clean shutdown); without it the timer keeps
// running and the box reboots unless something reopens and feeds it.
func (d *Dog) Close(disarm bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dev == nil {
		return nil
	}
	dev := d.dev
	d.dev = nil
	var werr error
	if disarm {
		if _, err := dev.Write([]byte{'V'}); err != nil {
			werr = fmt.Errorf("watchdog: magic close %s: %w", d.cfg.Path, err)
		}
	}
	if err := dev.Close(); err != nil {
		return errors.Join(werr, fmt.Errorf("watchdog: close %s: %w", d.cfg.Path, err))
	}
	return werr
}

// Run feeds every Interval while progress reports that the ingest and ring
// writer advanced since the last call; it returns when ctx ends. A stalled
// recorder is logged once per stall and then left to the hardware.
func (d *Dog) Run(ctx context.Context, progress func() bool) error {
	c, stop := d.tick(d.cfg.Interval)
	defer stop()
	stalled := false
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-c:
		}
		if !progress() {
			if !stalled {
				d.log.Error("watchdog: no recording progress, not feeding", "path", d.cfg.Path)
			}
			stalled = true
			continue
		}
		if stalled {
			d.log.Info("watchdog: progress resumed", "path", d.cfg.Path)
		}
		stalled = false
		if err := d.Feed(); err != nil {
			d.log.Error("watchdog: feed failed", "err", err)
		}
	}
}
