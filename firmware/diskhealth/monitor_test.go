package diskhealth

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"skyguard/recorder/ring"
)

type lines []string

func (l *lines) Lines(context.Context) ([]string, error) { return *l, nil }

type events struct{ got []string }

func (e *events) AddEvent(kind, camera, msg string) { e.got = append(e.got, kind+": "+msg) }

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func smartFile(name string) func(context.Context, string) ([]byte, error) {
	return func(context.Context, string) ([]byte, error) {
		return os.ReadFile(filepath.Join("..", "..", "board", "smart", "testdata", name))
	}
}

// setup makes a data folder and a stand-in device node (a file: the
// monitor only checks it is there).
func setup(t *testing.T) (dir, dev string) {
	dir = t.TempDir()
	dev = filepath.Join(t.TempDir(), "sdb")
	if err := os.WriteFile(dev, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, dev
}

func plenty(string) (int64, error) { return 10 << 30, nil }

func TestSmart(t *testing.T) {
	for _, tc := range []struct {
		file string
		want Health
	}{{"sata-healthy.json", OK}, {"nvme.json", OK}, {"sata-pending.json", Warning}} {
		t.Run(tc.file, func(t *testing.T) {
			dir, dev := setup(t)
			kl := &lines{}
			m := New(Config{Path: dir, Device: dev}, Sources{Kernel: kl, Smart: smartFile(tc.file), Free: plenty}, quiet())
			st := m.Check(context.Background())
			if st.State < tc.want || (tc.want == OK && st.State != OK) {
				t.Fatalf("%s: state %s (%s), want %s", tc.file, st.State, st.Reason, tc.want)
			}
			if st.SMART == "" {
				t.Fatal("SMART verdict not recorded")
			}
			if tc.want != OK && !strings.Contains(st.Reason, "SMART") {
				t.Fatalf("reason %q does not name SMART", st.Reason)
			}
		})
	}
}

func TestNoSmartctlIsNotAFault(t *testing.T) {
	dir, dev := setup(t)
	m := New(Config{Path: dir, Device: dev}, Sources{Kernel: &lines{}, Free: plenty,
		Smart: func(context.Context, string) ([]byte, error) { return nil, ErrNoSmartctl }}, quiet())
	if st := m.Check(context.Background()); st.State != OK || st.SMART != "" {
		t.Fatalf("%+v", st)
	}
}

func TestKernelIOErrors(t *testing.T) {
	dir, dev := setup(t)
	kl := &lines{
		"[ 12.0] usb 1-1: new high-speed USB device",
		"[ 99.1] blk_update_request: I/O error, dev sdc, sector 2048", // another disk
	}
	ev := &events{}
	m := New(Config{Path: dir, Device: dev, KernelErrorsFault: 3}, Sources{Kernel: kl, Smart: smartFile("sata-healthy.json"), Free: plenty, Events: ev}, quiet())
	if st := m.Check(context.Background()); st.State != OK {
		t.Fatalf("errors of another disk counted: %+v", st)
	}
	*kl = append(*kl, "[100.2] blk_update_request: I/O error, dev sdb, sector 4096 op 0x1:(WRITE)")
	if st := m.Check(context.Background()); st.State != Warning || st.KernelIOErrors != 1 {
		t.Fatalf("one I/O error: %+v", st)
	}
	*kl = append(*kl, "[101.0] Buffer I/O error on dev sdb1, logical block 7", "[101.1] blk_update_request: I/O error, dev sdb, sector 8")
	if st := m.Check(context.Background()); st.State != Fault || !strings.Contains(st.Reason, "3 I/O errors on sdb") {
		t.Fatalf("three I/O errors: %+v", st)
	}
	if m.State() != Fault {
		t.Fatalf("State() = %s", m.State())
	}
	if len(ev.got) != 2 || !strings.Contains(ev.got[0], "ok -> warning") || !strings.Contains(ev.got[1], "warning -> fault") {
		t.Fatalf("events %q: want ok->warning and warning->fault", ev.got)
	}
}

func TestFreeSpace(t *testing.T) {
	dir := t.TempDir()
	var free int64 = 1 << 30
	ev := &events{}
	m := New(Config{Path: dir, WarnFreeBytes: 100 << 20, FaultFreeBytes: 10 << 20},
		Sources{Kernel: &lines{}, Free: func(string) (int64, error) { return free, nil }, Events: ev}, quiet())
	for _, tc := range []struct {
		free int64
		want Health
		says string
	}{{1 << 30, OK, ""}, {50 << 20, Warning, "nearly full"}, {5 << 20, Fault, "disk full"}, {1 << 30, OK, ""}} {
		free = tc.free
		st := m.Check(context.Background())
		if st.State != tc.want || !strings.Contains(st.Reason, tc.says) {
			t.Fatalf("free %d: %s %q, want %s %q", tc.free, st.State, st.Reason, tc.want, tc.says)
		}
	}
	if len(ev.got) != 3 {
		t.Fatalf("events %q: want three state changes", ev.got)
	}
	// The real statfs of a real folder gives a positive number.
	if n, err := FreeBytes(dir); err != nil || n <= 0 {
		t.Fatalf("FreeBytes: %d %v", n, err)
	}
}

func TestMissingFolderAndMount(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	ev := &events{}
	m := New(Config{Path: dir}, Sources{Kernel: &lines{}, Free: plenty, Events: ev}, quiet())
	if st := m.Check(context.Background()); st.State != Missing || !strings.Contains(st.Reason, "missing") {
		t.Fatalf("no folder: %+v", st)
	}
	if len(ev.got) != 1 || !strings.Contains(ev.got[0], "missing") {
		t.Fatalf("events %q", ev.got)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if st := m.Check(context.Background()); st.State != OK {
		t.Fatalf("folder back: %+v", st)
	}
	// A plain folder is not a mount point of its own.
	m2 := New(Config{Path: dir, RequireMount: true}, Sources{Kernel: &lines{}, Free: plenty}, quiet())
	if st := m2.Check(context.Background()); st.State != Missing || !strings.Contains(st.Reason, "not mounted") {
		t.Fatalf("unmounted: %+v", st)
	}
	// A device node that vanished.
	m3 := New(Config{Path: dir, Device: filepath.Join(dir, "nodev")}, Sources{Kernel: &lines{}, Free: plenty, Smart: smartFile("sata-healthy.json")}, quiet())
	if st := m3.Check(context.Background()); st.State != Missing || !strings.Contains(st.Reason, "device gone") {
		t.Fatalf("device gone: %+v", st)
	}
}

func TestRingFaultAndLatency(t *testing.T) {
	dir := t.TempDir()
	rs := ring.Stats{}
	m := New(Config{Path: dir}, Sources{Kernel: &lines{}, Free: plenty, Ring: func() ring.Stats { return rs }}, quiet())
	if st := m.Check(context.Background()); st.State != OK {
		t.Fatalf("%+v", st)
	}
	rs.IO = ring.IOStats{Writes: 100, WriteP99: 3 * time.Second, SyncP99: 100 * time.Millisecond}
	if st := m.Check(context.Background()); st.State != Warning || !strings.Contains(st.Reason, "slow") {
		t.Fatalf("slow: %+v", st)
	}
	rs.IO.StuckFor = time.Minute
	if st := m.Check(context.Background()); st.State != Fault || !strings.Contains(st.Reason, "hung") {
		t.Fatalf("hung: %+v", st)
	}
	rs = ring.Stats{Fault: "disk I/O error: write slot 3"}
	if st := m.Check(context.Background()); st.State != Fault || !strings.Contains(st.Reason, "I/O error") {
		t.Fatalf("ring fault: %+v", st)
	}
}

func TestRunStopsWithContext(t *testing.T) {
	m := New(Config{Path: t.TempDir(), Interval: 10 * time.Millisecond}, Sources{Kernel: &lines{}, Free: plenty}, quiet())
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := m.Run(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("run: %v", err)
	}
	if m.Status().Checked.IsZero() {
		t.Fatal("never checked")
	}
}

// TestSmartReadAtSmartInterval: smartctl can spin a sleeping disk up, so
// it runs once per SmartInterval while the cheap checks run every time,
// and the checks in between keep its verdict.
func TestSmartReadAtSmartInterval(t *testing.T) {
	dir, dev := setup(t)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	reads, frees := 0, 0
	read := smartFile("sata-healthy.json")
	m := New(Config{Path: dir, Device: dev, SmartInterval: 10 * time.Minute}, Sources{
		Kernel: &lines{},
		Smart:  func(ctx context.Context, d string) ([]byte, error) { reads++; return read(ctx, d) },
		Free:   func(string) (int64, error) { frees++; return 10 << 30, nil },
		Now:    func() time.Time { return now },
	}, quiet())
	for i := 0; i < 60; i++ { // ten minutes of 10 s checks
		st := m.Check(context.Background())
		if st.SMART != "ok" {
			t.Fatalf("check %d: SMART %q, want the kept verdict ok", i, st.SMART)
		}
		now = now.Add(10 * time.Second)
	}
	if reads != 1 || frees != 60 {
		t.Fatalf("smartctl ran %d times, free space checked %d times; want 1 and 60", reads, frees)
	}
	m.Check(context.Background()) // 10 min after the first read
	if reads != 2 {
		t.Fatalf("smartctl ran %d times after SmartInterval, want 2", reads)
	}
	// A device that vanishes and returns is read again at once.
	if err := os.Remove(dev); err != nil {
		t.Fatal(err)
	}
	if st := m.Check(context.Background()); st.State != Missing {
		t.Fatalf("state %s with the device gone", st.State)
	}
	if err := os.WriteFile(dev, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	m.Check(context.Background())
	if reads != 3 {
		t.Fatalf("smartctl ran %d times after the device returned, want 3", reads)
	}
}

// TestDefaultSmartInterval: without a setting SMART is read every 10
// minutes, not at every 10 s check.
func TestDefaultSmartInterval(t *testing.T) {
	m := New(Config{Path: t.TempDir()}, Sources{}, quiet())
	if m.cfg.SmartInterval != 10*time.Minute || m.cfg.Interval != 10*time.Second {
		t.Fatalf("intervals %s / %s", m.cfg.SmartInterval, m.cfg.Interval)
	}
}
