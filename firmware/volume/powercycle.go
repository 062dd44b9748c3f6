package volume

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// DiskSwitch is a disk bay with a power switch and a presence line;
// board.DiskSlot is one.
type DiskSwitch interface {
	Present() (bool, error)
	SetPower(on bool) error
}

// CycleTiming tunes CyclePower; zero fields take the defaults.
type CycleTiming struct {
	Off     time.Duration // power off this long, so the disk's controller resets; default 2 s
	Present time.Duration // wait up to this for the disk to show after power-on; default 30 s
	Poll    time.Duration // presence poll interval; default 250 ms
}

// CyclePower returns a PowerCycle hook for slot: power off, wait, power on,
// wait for the disk to be present.
func CyclePower(slot DiskSwitch, tm CycleTiming) func(ctx context.Context) error {
	if tm.Off <= 0 {
		tm.Off = 2 * time.Second
	}
	if tm.Present <= 0 {
		tm.Present = 30 * time.Second
	}
	if tm.Poll <= 0 {
		tm.Poll = 250 * time.Millisecond
	}
	return func(ctx context.Context) error {
		if err := slot.SetPower(false); err != nil {
			return fmt.Errorf("power-cycle disk: switch off: %w", err)
		}
		off := time.NewTimer(tm.Off)
		select {
		case <-off.C:
		case <-ctx.Done():
			off.Stop()
		}
		// Always switch back on, even when stopping: a box must never be
		// left with its data disk unpowered.
		if err := slot.SetPower(true); err != nil {
			return fmt.Errorf("power-cycle disk: switch on: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("power-cycle disk: %w", err)
		}
		deadline := time.Now().Add(tm.Present)
		var last error
		for {
			ok, err := slot.Present()
			if ok && err == nil {
				return nil
			}
			last = err
			if !time.Now().Before(deadline) {
				if last == nil {
					last = errors.New("presence line stays low")
				}
				return fmt.Errorf("power-cycle disk: not present %s after power-on: %w", tm.Present, last)
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("power-cycle disk: wait for presence: %w", ctx.Err())
			case <-time.After(tm.Poll):
			}
		}
	}
}

// powerCycle runs the PowerCycle hook once for a hung or vanished disk and
// records it; the verdict ("disk-recovered" or "disk-failed") follows
// from whether the volume reopens within RecoverWithin.
func (v *Supervisor) powerCycle(ctx context.Context, reason string) {
	v.AddEvent("disk-power-cycle", "", "power-cycling the data disk once after: "+reason)
	v.log.Warn("volume: power-cycling the data disk", "reason", reason)
	v.mu.Lock()
	v.state.Reason = reasonDown(v.state.Reason, errors.New("power-cycling the disk"))
	v.mu.Unlock()
	if err := v.opt.PowerCycle(ctx); err != nil {
		if ctx.Err() != nil {
			return // stopping: no verdict
		}
		v.fail(fmt.Sprintf("power cycle did not help: %v", err))
		return
	}
	v.finalAt = time.Now().Add(v.opt.RecoverWithin)
}

// fail declares the fault final: the box keeps retrying (a technician may
// re-seat the disk), but the event log and the reason say it needs one.
func (v *Supervisor) fail(why string) {
	// Ahead of downSep, so the reopen attempts that follow keep it.
	v.mu.Lock()
	base, rest, _ := strings.Cut(v.state.Reason, downSep)
	base += " [disk failed: " + why + "]"
	v.state.Reason = base
	if rest != "" {
		v.state.Reason += downSep + rest
	}
	reason := base
	v.mu.Unlock()
	v.log.Error("volume: data disk failed", "why", why)
	v.AddEvent("disk-failed", "", reason)
}
