package sim

import (
	"errors"
	"fmt"
	"time"

	"skyguard/board"
)

// DiskSlot returns the simulated disk bay.
func (b *Board) DiskSlot() board.DiskSlot { return simDisk{b} }

// SetDiskPresent inserts or pulls the disk.
func (b *Board) SetDiskPresent(present bool) {
	b.mu.Lock()
	b.disk.present = present
	b.mu.Unlock()
}

// SetDiskError makes the slot's lines fail (nil to heal), to test callers'
// error paths.
func (b *Board) SetDiskError(err error) {
	b.mu.Lock()
	b.disk.err = err
	b.mu.Unlock()
}

// DiskPowered reports the disk power line.
func (b *Board) DiskPowered() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.disk.powered
}

type simDisk struct{ b *Board }

func (d simDisk) Present() (bool, error) {
	d.b.mu.Lock()
	defer d.b.mu.Unlock()
	if d.b.disk.err != nil {
		return false, fmt.Errorf("sim: read disk presence: %w", d.b.disk.err)
	}
	return d.b.disk.present, nil
}

func (d simDisk) SetPower(on bool) error {
	d.b.mu.Lock()
	defer d.b.mu.Unlock()
	if d.b.disk.err != nil {
		return fmt.Errorf("sim: set disk power: %w", d.b.disk.err)
	}
	if d.b.disk.powered && !on {
		d.b.disk.powerCycles++
	}
	d.b.disk.powered = on
	return nil
}

// Watchdog returns the simulated watchdog, which records its feeds.
func (b *Board) Watchdog() board.Watchdog { return simWatchdog{b} }

// Feeds returns how many times the watchdog was fed and when last.
func (b *Board) Feeds() (n int, last time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.watchdog.feeds, b.watchdog.lastFeed
}

type simWatchdog struct{ b *Board }

// ErrWatchdogClosed is returned when feeding a closed watchdog.
var ErrWatchdogClosed = errors.New("sim: watchdog closed")

func (w simWatchdog) Feed() error {
	w.b.mu.Lock()
	defer w.b.mu.Unlock()
	if w.b.watchdog.closed {
		return ErrWatchdogClosed
	}
	w.b.watchdog.feeds++
	w.b.watchdog.lastFeed = w.b.now
	return nil
}

func (w simWatchdog) Close(disarm bool) error {
	w.b.mu.Lock()
	defer w.b.mu.Unlock()
	w.b.watchdog.closed, w.b.watchdog.disarmed = true, disarm
	return nil
}
