package update

import (
	"context"
	"errors"
)

// Installer is the part of RAUC the service drives; RAUC is the real one,
// tests use a fake `rauc` script through it.
type Installer interface {
	// Info verifies a bundle's signature and compatibility and reads its
	// manifest. A bundle that fails verification returns an error
	// carrying RAUC's message.
	Info(ctx context.Context, bundle string) (BundleInfo, error)
	// Install writes the bundle into the inactive slot and makes that slot
	// the next to boot. progress is called for each progress line.
	Install(ctx context.Context, bundle string, progress func(Progress)) error
	// Status reports the slots and which one is running.
	Status(ctx context.Context) (SlotStatus, error)
	// MarkGood confirms the running slot to the bootloader.
	MarkGood(ctx context.Context) error
	// MarkBad tells the bootloader not to boot the running slot again.
	MarkBad(ctx context.Context) error
}

// ErrUnavailable means RAUC is not installed (development machines and
// the demo): the box runs, but cannot update itself.
var ErrUnavailable = errors.New("update: rauc is not installed on this system")

// BundleInfo is what `rauc info` tells about a verified bundle.
type BundleInfo struct {
	Compatible  string `json:"compatible"`
	Version     string `json:"version"`
	Build       string `json:"build,omitempty"`
	Description string `json:"description,omitempty"`
}

// Progress is one progress line of `rauc install`.
type Progress struct {
	Percent int
	Message string
}

// SlotStatus is the running system as RAUC sees it.
type SlotStatus struct {
	Compatible string
	Booted     string // bootname of the running slot ("A"), "" if unknown
	Primary    string // bootname of the slot the bootloader boots next
	Slots      []Slot
}

// Slot is one root filesystem slot.
type Slot struct {
	Name       string // rootfs.0
	BootName   string // A
	State      string // booted, active, inactive
	BootStatus string // good, bad
	Version    string // version of the bundle installed into it, if any
}

// BootedSlot returns the running slot, or false.
func (s SlotStatus) BootedSlot() (Slot, bool) {
	for _, sl := range s.Slots {
		if s.Booted != "" && sl.BootName == s.Booted || s.Booted == "" && sl.State == "booted" {
			return sl, true
		}
	}
	return Slot{}, false
}
