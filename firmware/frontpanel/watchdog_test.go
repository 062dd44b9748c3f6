package frontpanel

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"skyguard/board/panel"
)

// advancingSource grows its counters while advancing is set.
type advancingSource struct {
	advancing atomic.Bool
	frames    atomic.Uint64
	bytes     atomic.Uint64
}

func (s *advancingSource) Cameras() []CameraState {
	if s.advancing.Load() {
		s.frames.Add(25)
	}
	return []CameraState{{ID: "a", Streaming: true, Recording: true, Frames: s.frames.Load()}}
}

func (s *advancingSource) Storage() StorageState {
	if s.advancing.Load() {
		s.bytes.Add(4096)
	}
	return StorageState{BytesWritten: s.bytes.Load()}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// waitSize waits (bounded) for the fake device file to reach n bytes.
func waitSize(t *testing.T, path string, n int64) {
	t.Helper()
	for i := 0; i < 500 && fileSize(t, path) < n; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if got := fileSize(t, path); got < n {
		t.Fatalf("device file holds %d bytes, want >= %d", got, n)
	}
}

func TestWatchdogFedOnlyWhileRingAdvances(t *testing.T) {
	dev := filepath.Join(t.TempDir(), "watchdog") // a file stands in for the device node
	if err := os.WriteFile(dev, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	src := &advancingSource{}
	src.advancing.Store(true)
	p := New(Config{Board: NewSim(), Source: src, Logger: quiet()})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.runWatchdog(ctx, dev, 20*time.Millisecond, nil)
	}()
	waitSize(t, dev, 3) // fed while healthy

	src.advancing.Store(false) // the ring (and ingest) stop advancing
	// Let an in-flight tick finish, then the size must stay put.
	time.Sleep(100 * time.Millisecond)
	stuck := fileSize(t, dev)
	time.Sleep(300 * time.Millisecond) // ~15 intervals
	if got := fileSize(t, dev); got != stuck {
		t.Fatalf("fed while stalled: %d -> %d bytes", stuck, got)
	}
	src.advancing.Store(true)
	waitSize(t, dev, stuck+2) // fed again once progress resumes

	cancel()
	<-done
	b, err := os.ReadFile(dev)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) == 0 || b[len(b)-1] != 'V' {
		t.Fatalf("clean shutdown did not disarm: device saw %q", b)
	}
	for _, c := range b[:len(b)-1] {
		if c != 'k' {
			t.Fatalf("unexpected byte %q in %q", c, b)
		}
	}
	if p.Snapshot().State.WatchdogRunning {
		t.Error("snapshot says running after stop")
	}
}

func TestWatchdogAbsentDevice(t *testing.T) {
	p := New(Config{Board: NewSim(), Source: &advancingSource{}, Logger: quiet()})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	p.runWatchdog(ctx, filepath.Join(t.TempDir(), "none"), 10*time.Millisecond, func(string) (io.WriteCloser, error) {
		return nil, os.ErrNotExist
	})
}

func TestUplinkCheck(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if got := checkUplink(context.Background(), addr, 2*time.Second); got != panel.UplinkOK {
		t.Errorf("listening: %v", got)
	}
	ln.Close()
	if got := checkUplink(context.Background(), addr, 2*time.Second); got != panel.UplinkDown {
		t.Errorf("closed: %v", got)
	}

	ln2, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln2.Close()
	b := NewSim()
	p := New(Config{Board: b, Source: &fakeSource{}, Logger: quiet()})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); p.runUplink(ctx, ln2.Addr().String(), time.Hour, 2*time.Second) }()
	for i := 0; i < 200 && p.uplink.get() != panel.UplinkOK; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	p.Step()
	if got, _ := b.Pattern("net"); got.String() != "solid" {
		t.Errorf("net LED %v with the uplink reachable", got)
	}
}
