package volume

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"skyguard/recorder/ring"
)

// TestHungDiskGoesDown: a disk that stops answering (no error, ever) is
// taken down after HangAfter, writers fail fast instead of queueing, and
// recording resumes once it answers again.
func TestHungDiskGoesDown(t *testing.T) {
	dir := format(t)
	fl := ring.NewFaults()
	ro := ring.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), SyncInterval: 50 * time.Millisecond, OpenFile: fl.Open}
	s, err := ring.Open(dir, ro)
	if err != nil {
		t.Fatal(err)
	}
	v := New(s, Options{Logger: quiet(), Ring: ro, Retry: 50 * time.Millisecond, Check: 20 * time.Millisecond, HangAfter: 300 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- v.Run(ctx) }()
	defer func() {
		fl.Heal()
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Error("supervisor did not stop")
		}
	}()

	f := newFeed()
	for i := 0; i < 60; i++ {
		if err := v.Append("cam", f.next()); err != nil {
			t.Fatal(err)
		}
	}
	fl.Hang()
	// The recorder loop may block in the hung write: it runs apart, as in
	// the box, where the hub drops frames for it meanwhile.
	feeding := make(chan struct{})
	go func() {
		defer close(feeding)
		for i := 0; i < 200 && ctx.Err() == nil; i++ {
			_ = v.Append("cam", f.next())
			time.Sleep(5 * time.Millisecond)
		}
	}()
	st := waitState(t, v, "fault", nil)
	if !strings.Contains(st.Reason, "hung") {
		t.Fatalf("reason %q", st.Reason)
	}
	fl.Heal()
	waitState(t, v, "ok", nil)
	<-feeding
}
