package volume

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"skyguard/recorder/media"
	"skyguard/recorder/ring"
)

var t0 = time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)

// feed makes 25 fps access units with a keyframe every 25 frames.
type feed struct {
	p    *media.Params
	n    int
	wall time.Time
}

func (f *feed) next() *media.AccessUnit {
	key := f.n%25 == 0
	b := make([]byte, 800)
	b[0] = 0x41
	if key {
		b[0] = 0x65
	}
	au := &media.AccessUnit{Params: f.p, PTS: time.Duration(f.n) * 40 * time.Millisecond, Wall: f.wall, Key: key, NALUs: [][]byte{b}}
	f.n++
	f.wall = f.wall.Add(40 * time.Millisecond)
	return au
}

func newFeed() *feed {
	return &feed{p: &media.Params{Codec: media.CodecH264, SPS: []byte{0x67, 0x64, 0, 0x28}, PPS: []byte{0x68, 0xee}, Width: 640, Height: 360}, wall: t0}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func format(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "vol")
	if err := ring.Format(dir, ring.FormatOptions{Size: 6 << 20, SlotSize: 1 << 20, Logger: quiet()}, nil); err != nil {
		t.Fatal(err)
	}
	return dir
}

// start opens dir with the fault layer and runs a supervisor over it.
func start(t *testing.T, dir string, fl *ring.Faults) (*Supervisor, func()) {
	t.Helper()
	ro := ring.Options{Logger: quiet(), SyncInterval: 50 * time.Millisecond, OpenFile: fl.Open}
	s, err := ring.Open(dir, ro)
	if err != nil {
		t.Fatal(err)
	}
	v := New(s, Options{Logger: quiet(), Ring: ro, Retry: 50 * time.Millisecond, Check: 20 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- v.Run(ctx) }()
	return v, func() {
		fl.Heal()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("supervisor run: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("supervisor did not stop")
		}
	}
}

// waitState waits (bounded) for the supervisor to reach state.
func waitState(t *testing.T, v *Supervisor, state string, feedWhile func()) State {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		st := v.State()
		if st.State == state {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("state %+v, want %s", st, state)
		}
		if feedWhile != nil {
			feedWhile()
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestFaultDownAndResume(t *testing.T) {
	dir := format(t)
	fl := ring.NewFaults()
	v, stop := start(t, dir, fl)
	defer stop()
	f := newFeed()
	for i := 0; i < 100; i++ { // 4 s
		if err := v.Append("cam", f.next()); err != nil {
			t.Fatal(err)
		}
	}
	fl.FailWrites(syscall.EIO)
	st := waitState(t, v, "fault", func() { _ = v.Append("cam", f.next()) })
	if !strings.Contains(st.Reason, "I/O error") {
		t.Fatalf("reason %q", st.Reason)
	}
	if err := v.Append("cam", f.next()); !errors.Is(err, ErrDown) {
		t.Fatalf("append while down: %v, want ErrDown", err)
	}
	// Down for a while: frames go nowhere and the clock moves on.
	for i := 0; i < 100; i++ {
		f.next()
	}
	fl.Heal()
	waitState(t, v, "ok", nil)
	for i := 0; i < 100; i++ {
		if err := v.Append("cam", f.next()); err != nil {
			t.Fatalf("append after resume: %v", err)
		}
	}
	if err := v.Flush("cam"); err != nil {
		t.Fatal(err)
	}
	s, err := v.Store()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Sync(); err != nil {
		t.Fatal(err)
	}
	runs, err := s.Runs("cam", t0, f.wall.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[1].Start.Sub(runs[0].End) < 3*time.Second {
		t.Fatalf("runs %+v: want two with a gap of the time down", runs)
	}
	evs, err := s.Events(time.Time{}, time.Now().Add(time.Hour), 0)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, e := range evs {
		kinds[e.Kind] = true
	}
	if !kinds["disk-fault"] || !kinds["disk-recovered"] {
		t.Fatalf("events %+v: want disk-fault and disk-recovered", evs)
	}
	if v.State().Faults < 1 {
		t.Fatalf("faults = %d", v.State().Faults)
	}
}

func TestVanishedFolderWrongVolumeAndEmptyMount(t *testing.T) {
	dir := format(t)
	backup := filepath.Join(t.TempDir(), "backup")
	if err := os.Rename(dir, backup); err != nil { // keep the original aside
		t.Fatal(err)
	}
	copyTree(t, backup, dir)
	fl := ring.NewFaults()
	v, stop := start(t, dir, fl)
	defer stop()
	f := newFeed()
	for i := 0; i < 50; i++ {
		if err := v.Append("cam", f.next()); err != nil {
			t.Fatal(err)
		}
	}

	// Unmounted: the folder is there but empty.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	st := waitState(t, v, "fault", nil)
	if !strings.Contains(st.Reason, "vanished") {
		t.Fatalf("reason %q", st.Reason)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(v.State().Reason, "not mounted") {
		if time.Now().After(deadline) {
			t.Fatalf("reason %q never says the disk is not mounted", v.State().Reason)
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // several retries
	if names, _ := os.ReadDir(dir); len(names) != 0 {
		t.Fatalf("an empty mount point was written to: %v", names)
	}

	// Another disk (another UUID) mounted there: refused.
	os.Remove(dir)
	if err := ring.Format(dir, ring.FormatOptions{Size: 6 << 20, SlotSize: 1 << 20, Logger: quiet()}, nil); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(20 * time.Second)
	for !strings.Contains(v.State().Reason, "another disk") {
		if time.Now().After(deadline) {
			t.Fatalf("reason %q never refuses the other volume", v.State().Reason)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if v.State().State != "fault" {
		t.Fatalf("recording onto another volume: %+v", v.State())
	}

	// The same volume is back: recording resumes by itself.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	copyTree(t, backup, dir)
	waitState(t, v, "ok", nil)
	for i := 0; i < 50; i++ {
		if err := v.Append("cam", f.next()); err != nil {
			t.Fatalf("append after the volume came back: %v", err)
		}
	}
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if fi.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
