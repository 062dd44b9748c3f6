package watchdog

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeDev records what the daemon wrote, like the kernel driver would see.
type fakeDev struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	closed bool
}

func (f *fakeDev) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return 0, os.ErrClosed
	}
	return f.buf.Write(p)
}

func (f *fakeDev) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	return nil
}

func (f *fakeDev) written() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.buf.String()
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestFedOnlyWhileProgressing(t *testing.T) {
	dev := &fakeDev{}
	d, err := Open(Config{Path: "/dev/fake", Logger: quiet(), Open: func(string) (io.WriteCloser, error) { return dev, nil }})
	if err != nil {
		t.Fatal(err)
	}
	tick := make(chan time.Time) // unbuffered: a send returns only once the previous tick was handled
	d.tick = func(time.Duration) (<-chan time.Time, func()) { return tick, func() {} }

	var ingest, ring atomic.Uint64
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- d.Run(ctx, Advancing(ingest.Load, ring.Load)) }()

	step := func(advIngest, advRing bool) {
		if advIngest {
			ingest.Add(1)
		}
		if advRing {
			ring.Add(1)
		}
		tick <- time.Time{}
	}
	step(true, true)    // fed
	step(true, true)    // fed
	step(true, false)   // ring writer stuck: not fed
	step(false, false)  // not fed
	step(false, true)   // ingest stuck: not fed
	step(true, true)    // recovered: fed
	tick <- time.Time{} // flush: nothing advanced, not fed
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := dev.written(); got != "kkk" {
		t.Errorf("device saw %q, want 3 feeds", got)
	}
	if err := d.Close(true); err != nil {
		t.Fatal(err)
	}
	if got := dev.written(); got != "kkkV" || !dev.closed {
		t.Errorf("after disarm device saw %q closed=%v", got, dev.closed)
	}
	if err := d.Feed(); err != nil {
		t.Errorf("feed after close: %v", err)
	}
}

func TestCloseWithoutDisarmLeavesArmed(t *testing.T) {
	// A real file stands in for the device node.
	path := filepath.Join(t.TempDir(), "watchdog")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := Open(Config{Path: path, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Feed(); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(false); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "k" {
		t.Errorf("file holds %q, want a feed and no magic V", b)
	}
}

func TestAbsentDeviceWarnsNotFails(t *testing.T) {
	var logs bytes.Buffer
	d, err := Open(Config{Path: filepath.Join(t.TempDir(), "none"), Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatalf("absent device failed: %v", err)
	}
	if d.Present() || d.Feed() != nil || d.Close(true) != nil {
		t.Error("absent dog misbehaves")
	}
	if !bytes.Contains(logs.Bytes(), []byte("level=WARN")) {
		t.Errorf("no warning logged: %s", logs.String())
	}
}

func TestOtherOpenErrorFails(t *testing.T) {
	boom := errors.New("device busy")
	_, err := Open(Config{Logger: quiet(), Open: func(string) (io.WriteCloser, error) { return nil, boom }})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
}
