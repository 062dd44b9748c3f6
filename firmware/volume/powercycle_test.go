package volume

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"skyguard/board"
	"skyguard/board/sim"
	"skyguard/recorder/ring"
)

// healOnPower is the sim board's disk bay wired to the fault layer the way
// a real wedged disk behaves: powering it on again un-wedges it.
type healOnPower struct {
	board.DiskSlot
	fl *ring.Faults
}

func (h healOnPower) SetPower(on bool) error {
	if err := h.DiskSlot.SetPower(on); err != nil {
		return err
	}
	if on {
		h.fl.Heal()
	}
	return nil
}

var fastCycle = CycleTiming{Off: 50 * time.Millisecond, Present: 2 * time.Second, Poll: 10 * time.Millisecond}

// runCycling runs a supervisor over dir with the fault layer and the hook.
func runCycling(t *testing.T, dir string, fl *ring.Faults, hook func(context.Context) error, recoverWithin time.Duration) (*Supervisor, context.Context) {
	t.Helper()
	ro := ring.Options{Logger: quiet(), SyncInterval: 50 * time.Millisecond, OpenFile: fl.Open}
	s, err := ring.Open(dir, ro)
	if err != nil {
		t.Fatal(err)
	}
	v := New(s, Options{Logger: quiet(), Ring: ro, Retry: 50 * time.Millisecond, Check: 20 * time.Millisecond,
		HangAfter: 300 * time.Millisecond, PowerCycle: hook, RecoverWithin: recoverWithin})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- v.Run(ctx) }()
	t.Cleanup(func() {
		fl.Heal()
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Error("supervisor did not stop")
		}
	})
	return v, ctx
}

// kinds lists the event kinds of the supervisor (stored or pending).
func kinds(t *testing.T, v *Supervisor) []string {
	t.Helper()
	evs, err := v.Events(time.Time{}, time.Now().Add(time.Hour), 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		if strings.HasPrefix(e.Kind, "disk-") {
			out = append(out, e.Kind)
		}
	}
	return out
}

func waitKinds(t *testing.T, v *Supervisor, want string) []string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := kinds(t, v)
		if strings.Join(got, ",") == want {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("events %v, want %s", got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestPowerCycleCuresHungDisk: a hung disk is power-cycled once through
// the board's disk bay, which un-wedges it; recording resumes with no one
// healing the fault layer, and the event log tells the story.
func TestPowerCycleCuresHungDisk(t *testing.T) {
	dir := format(t)
	fl := ring.NewFaults()
	b := sim.New([]string{"disk"}, nil)
	v, ctx := runCycling(t, dir, fl, CyclePower(healOnPower{b.DiskSlot(), fl}, fastCycle), 5*time.Second)

	f := newFeed()
	for i := 0; i < 60; i++ {
		if err := v.Append("cam", f.next()); err != nil {
			t.Fatal(err)
		}
	}
	fl.Hang()
	feeding := make(chan struct{})
	go func() { // the recorder loop, which may block in the hung write
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
	waitState(t, v, "ok", nil)
	<-feeding
	waitKinds(t, v, "disk-fault,disk-power-cycle,disk-recovered")
	if d := b.Snapshot().Disk; d.PowerCycles != 1 || !d.Powered {
		t.Fatalf("disk bay %+v: want one power cycle, powered", d)
	}
	if err := v.Append("cam", f.next()); err != nil {
		t.Fatalf("append after recovery: %v", err)
	}
}

// TestPowerCycleOnceThenFailed: a vanished folder that a power cycle does
// not bring back is cycled once only and then declared failed; the box
// keeps retrying, and the same volume coming back still recovers.
func TestPowerCycleOnceThenFailed(t *testing.T) {
	dir := format(t)
	fl := ring.NewFaults()
	b := sim.New([]string{"disk"}, nil)
	v, _ := runCycling(t, dir, fl, CyclePower(b.DiskSlot(), fastCycle), 300*time.Millisecond)
	f := newFeed()
	for i := 0; i < 30; i++ {
		if err := v.Append("cam", f.next()); err != nil {
			t.Fatal(err)
		}
	}
	backup := t.TempDir() + "/vol"
	if err := os.Rename(dir, backup); err != nil {
		t.Fatal(err)
	}
	waitState(t, v, "fault", nil)
	waitKinds(t, v, "disk-fault,disk-power-cycle,disk-failed")
	if st := v.State(); !strings.Contains(st.Reason, "vanished") || !strings.Contains(st.Reason, "disk failed") {
		t.Fatalf("reason %q: want the fault and the final verdict", st.Reason)
	}
	time.Sleep(500 * time.Millisecond) // many more reopen attempts
	if st := v.State(); !strings.Contains(st.Reason, "disk failed") || !strings.Contains(st.Reason, "still down") {
		t.Fatalf("reason %q after more retries: the verdict must stay", st.Reason)
	}
	if d := b.Snapshot().Disk; d.PowerCycles != 1 || !d.Powered {
		t.Fatalf("disk bay %+v: want exactly one power cycle, powered", d)
	}
	if err := os.Rename(backup, dir); err != nil {
		t.Fatal(err)
	}
	waitState(t, v, "ok", nil)
	waitKinds(t, v, "disk-fault,disk-power-cycle,disk-failed,disk-recovered")
}

// TestPowerCycleDiskNeverShows: a disk that stays absent after power-on is
// failed at once, and its bay is left powered.
func TestPowerCycleDiskNeverShows(t *testing.T) {
	dir := format(t)
	fl := ring.NewFaults()
	b := sim.New([]string{"disk"}, nil)
	b.SetDiskPresent(false)
	tm := fastCycle
	tm.Present = 200 * time.Millisecond
	v, _ := runCycling(t, dir, fl, CyclePower(b.DiskSlot(), tm), time.Minute)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	waitKinds(t, v, "disk-fault,disk-power-cycle,disk-failed")
	if st := v.State(); !strings.Contains(st.Reason, "not present") {
		t.Fatalf("reason %q", st.Reason)
	}
	if d := b.Snapshot().Disk; d.PowerCycles != 1 || !d.Powered {
		t.Fatalf("disk bay %+v", d)
	}
}

// TestNoPowerCycleForFullDisk: an I/O error such as a full disk is not
// something power cures: no cycle.
func TestNoPowerCycleForFullDisk(t *testing.T) {
	dir := format(t)
	fl := ring.NewFaults()
	b := sim.New([]string{"disk"}, nil)
	v, _ := runCycling(t, dir, fl, CyclePower(b.DiskSlot(), fastCycle), time.Second)
	f := newFeed()
	fl.FailWrites(errors.New("no space left on device"))
	for i := 0; i < 400 && v.State().State == "ok"; i++ {
		_ = v.Append("cam", f.next())
		time.Sleep(5 * time.Millisecond)
	}
	waitState(t, v, "fault", nil)
	time.Sleep(300 * time.Millisecond)
	for _, k := range kinds(t, v) {
		if k == "disk-power-cycle" {
			t.Fatalf("power-cycled for %q", v.State().Reason)
		}
	}
	if d := b.Snapshot().Disk; d.PowerCycles != 0 {
		t.Fatalf("disk bay %+v", d)
	}
}

// TestCyclePowerStopping: stopped during the off time, the hook still
// powers the disk back on.
func TestCyclePowerStopping(t *testing.T) {
	b := sim.New([]string{"disk"}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := CyclePower(b.DiskSlot(), CycleTiming{Off: time.Hour})(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	if !b.DiskPowered() {
		t.Fatal("disk left unpowered")
	}
}
