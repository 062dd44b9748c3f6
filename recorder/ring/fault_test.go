package ring

import (
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"
)

// faultCase makes a disk fault happen on a store with committed data.
type faultCase struct {
	name   string
	inject func(fl *Faults)
	reason string // expected in Stats.Fault
}

var faultCases = []faultCase{
	{"writes fail", func(fl *Faults) { fl.FailWrites(syscall.EIO) }, "disk I/O error"},
	{"syncs fail", func(fl *Faults) { fl.FailSyncs(syscall.EIO) }, "disk I/O error"},
	{"disk full", func(fl *Faults) { fl.FailWrites(syscall.ENOSPC) }, "disk full"},
}

func TestFaultStopsWritingAndKeepsCommitted(t *testing.T) {
	for _, tc := range faultCases {
		t.Run(tc.name, func(t *testing.T) {
			dir := formatTest(t, 4, 4<<20)
			fl := NewFaults()
			s, err := Open(dir, Options{Logger: testLogger(t), MaxBuffered: maxRecordDur, OpenFile: fl.Open})
			if err != nil {
				t.Fatal(err)
			}
			f := newFeed(t, 21, 2000)
			appendN(t, s, "cam", f, 201) // 4 GOPs written
			if err := s.Sync(); err != nil {
				t.Fatal(err)
			}
			before, err := s.Runs("cam", testT0, testT0.Add(time.Hour))
			if err != nil || len(before) != 1 {
				t.Fatalf("runs before fault: %v %v", before, err)
			}

			tc.inject(fl)
			// Write more GOPs and sync until the fault shows; bounded.
			var appendErr error
			for i := 0; i < 500 && appendErr == nil; i++ {
				appendErr = s.Append("cam", f.next())
				if i%50 == 49 && appendErr == nil {
					if err := s.Sync(); err != nil && !errors.Is(err, ErrFault) {
						t.Fatalf("sync: %v", err)
					}
				}
			}
			if !errors.Is(appendErr, ErrFault) {
				t.Fatalf("append after fault: err = %v, want ErrFault", appendErr)
			}
			if err := s.Append("cam", f.next()); !errors.Is(err, ErrFault) {
				t.Fatalf("second append: err = %v, want ErrFault", err)
			}
			st := s.Stats()
			if !strings.Contains(st.Fault, tc.reason) {
				t.Fatalf("Stats.Fault = %q, want it to say %q", st.Fault, tc.reason)
			}
			if !errors.Is(s.Fault(), ErrFault) {
				t.Fatalf("Fault() = %v", s.Fault())
			}
			// No blind retries: the disk sees no further writes.
			w := fl.Writes()
			for i := 0; i < 100; i++ {
				_ = s.Append("cam", f.next())
			}
			_ = s.Sync()
			if fl.Writes() != w {
				t.Fatalf("faulted store still wrote: %d -> %d writes", w, fl.Writes())
			}
			evs, err := s.Events(time.Time{}, time.Now().Add(time.Hour), 0)
			if err != nil {
				t.Fatal(err)
			}
			if !hasEvent(evs, "disk-fault") {
				t.Fatalf("no disk-fault event in %+v", evs)
			}
			// What was committed is still readable while faulted.
			c, err := s.Clip("cam", before[0].Start, before[0].End)
			if err != nil {
				t.Fatalf("clip of committed data while faulted: %v", err)
			}
			checkClip(t, c, f)
			s.Close()

			// A healthy layer: reopen, nothing committed lost, recording resumes.
			fl.Heal()
			s2, err := Open(dir, Options{Logger: testLogger(t), MaxBuffered: maxRecordDur, OpenFile: fl.Open})
			if err != nil {
				t.Fatalf("reopen on a healthy disk: %v", err)
			}
			defer s2.Close()
			c2, err := s2.Clip("cam", before[0].Start, before[0].End)
			if err != nil {
				t.Fatalf("committed data after reopen: %v", err)
			}
			checkClip(t, c2, f)
			f.pause(10 * time.Second)
			appendN(t, s2, "cam", f, 101)
			if err := s2.Sync(); err != nil {
				t.Fatalf("sync after reopen: %v", err)
			}
			if st := s2.Stats(); st.Fault != "" {
				t.Fatalf("fault after reopen: %s", st.Fault)
			}
			after, err := s2.Runs("cam", testT0, f.wall.Add(time.Hour))
			if err != nil || len(after) < 2 {
				t.Fatalf("runs after resume: %+v %v; want the old run and a new one after a gap", after, err)
			}
		})
	}
}

func TestFailFromOutside(t *testing.T) {
	dir := formatTest(t, 4, 1<<20)
	s := openTest(t, dir)
	defer s.Close()
	s.Fail(errors.New("data folder vanished"))
	f := newFeed(t, 3, 1000)
	if err := s.Append("cam", f.next()); !errors.Is(err, ErrFault) {
		t.Fatalf("append after Fail: %v", err)
	}
	if st := s.Stats(); !strings.Contains(st.Fault, "vanished") {
		t.Fatalf("fault = %q", st.Fault)
	}
}

func TestIOStatsAndStuck(t *testing.T) {
	dir := formatTest(t, 4, 1<<20)
	fl := NewFaults()
	s, err := Open(dir, Options{Logger: testLogger(t), MaxBuffered: maxRecordDur, OpenFile: fl.Open})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f := newFeed(t, 5, 1000)
	appendN(t, s, "cam", f, 151)
	if err := s.Sync(); err != nil {
		t.Fatal(err)
	}
	io := s.IOStats()
	if io.Writes < 3 || io.Syncs < 1 || io.WriteP99 <= 0 || io.StuckFor != 0 {
		t.Fatalf("io stats after 3 GOPs and a sync: %+v", io)
	}
	appendN(t, s, "cam", f, 50) // one more GOP written: the next sync has work
	defer fl.Heal()             // before Close (defers run last-in first-out)
	fl.Hang()
	done := make(chan error, 1)
	go func() { done <- s.Sync() }()
	// The sync is stuck: StuckFor grows (bounded wait).
	deadline := time.Now().Add(10 * time.Second)
	for s.IOStats().StuckFor < 50*time.Millisecond {
		if time.Now().After(deadline) {
			t.Fatal("a hung sync never showed as stuck")
		}
		time.Sleep(10 * time.Millisecond)
	}
	fl.Heal()
	if err := <-done; err != nil {
		t.Fatalf("sync after heal: %v", err)
	}
}

func hasEvent(evs []Event, kind string) bool {
	for _, e := range evs {
		if e.Kind == kind {
			return true
		}
	}
	return false
}
