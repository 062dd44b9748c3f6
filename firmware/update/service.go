package update

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"
)

// States of an update, as GET /api/system/update reports them.
const (
	StateIdle       = "idle"
	StateVerifying  = "verifying"
	StateInstalling = "installing"
	StateRebooting  = "rebooting"
	StateConfirming = "confirming" // booted the new slot, proving health before mark-good
	StateFailed     = "failed"
	// StateUnavailable: no rauc, so no update can run (development
	// machine or demo); State's message says why.
	StateUnavailable = "unavailable"
)

// noRaucNote explains StateUnavailable and System.Note without rauc.
const noRaucNote = "rauc is not installed: firmware updates are unavailable (development machine or demo)"

// ErrBusy means an update is already under way.
var ErrBusy = errors.New("update: an update is already in progress")

// Options configure a Service.
type Options struct {
	Installer Installer
	Rebooter  Rebooter
	// Available reports whether the installer can work at all (rauc
	// present); nil means yes.
	Available func() bool
	// Dir holds the journal and uploaded bundles (on the data disk, so
	// neither lives in RAM nor on the read-only root).
	Dir string
	// Health is asked, every PollInterval, how the box does: frames the
	// ring has written so far, and nil if the web server answers.
	Health func(ctx context.Context) (frames int64, err error)
	// RequireFrames: health needs the frame count to advance (false when
	// no camera is configured, so only the web server counts).
	RequireFrames bool
	// HealthDeadline bounds the proof of health after an update; default 5 min.
	HealthDeadline time.Duration
	PollInterval   time.Duration // default 1 s
	Logger         *slog.Logger
}

// State is the progress of the current or last update.
type State struct {
	State   string      `json:"state"`
	Percent int         `json:"percent"`
	Message string      `json:"message,omitempty"`
	Bundle  *BundleInfo `json:"bundle,omitempty"`
	Since   time.Time   `json:"since"`
}

// System is the running firmware as /api/status shows it.
type System struct {
	Slot       string // "A", "B", or "none" without rauc
	Version    string // bundle version installed in the running slot
	BootStatus string // good, bad, or ""
	Primary    string // slot booted next
	Compatible string
	Note       string
}

// Service runs updates one at a time.
type Service struct {
	opt  Options
	log  *slog.Logger
	jobs chan string

	mu    sync.Mutex
	state State
	sys   System
	ready bool // Run has loaded the journal
}

// New makes a service; Run starts it.
func New(opt Options) *Service {
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.HealthDeadline <= 0 {
		opt.HealthDeadline = 5 * time.Minute
	}
	if opt.PollInterval <= 0 {
		opt.PollInterval = time.Second
	}
	if opt.Available == nil {
		opt.Available = func() bool { return true }
	}
	return &Service{opt: opt, log: opt.Logger.With("part", "update"), jobs: make(chan string, 1),
		state: State{State: StateIdle, Since: time.Now()}, sys: System{Slot: "none"}}
}

// State reports the current or last update, or StateUnavailable when
// no update can run, so a client learns it before uploading a bundle.
func (s *Service) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.state
	if !inProgress(st.State) && !s.opt.Available() {
		return State{State: StateUnavailable, Message: noRaucNote, Since: st.Since}
	}
	if st.Bundle != nil {
		b := *st.Bundle
		st.Bundle = &b
	}
	return st
}

// System reports the running slot and version.
func (s *Service) System() System {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sys
}

// Dir is where uploaded bundles are spooled.
func (s *Service) Dir() string { return s.opt.Dir }

func (s *Service) set(state string, pct int, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state.State != state {
		s.state.Since = time.Now()
	}
	s.state.State, s.state.Percent, s.state.Message = state, pct, msg
}

func (s *Service) fail(msg string, version string) {
	s.log.Error("update failed", "reason", msg)
	s.set(StateFailed, 0, msg)
	if err := writeJournal(s.opt.Dir, &journal{Phase: phaseFailed, Version: version, Message: msg, Time: time.Now()}); err != nil {
		s.log.Error("update: journal", "err", err)
	}
}

// Start begins installing a bundle file. On success the service owns the
// file (removed when done); on an error it stays the caller's. It returns
// at once; State follows the progress.
func (s *Service) Start(bundle string) error {
	if !s.opt.Available() {
		return ErrUnavailable
	}
	s.mu.Lock()
	busy := !s.ready
	switch s.state.State {
	case StateVerifying, StateInstalling, StateRebooting, StateConfirming:
		busy = true
	}
	if busy {
		s.mu.Unlock()
		return ErrBusy
	}
	s.state = State{State: StateVerifying, Message: "checking the bundle's signature", Since: time.Now()}
	s.mu.Unlock()
	s.jobs <- bundle // never blocks: one job at a time, guarded by state
	return nil
}

// inProgress reports whether state is a step of a running update.
func inProgress(state string) bool {
	switch state {
	case StateVerifying, StateInstalling, StateRebooting, StateConfirming:
		return true
	}
	return false
}

// Busy reports whether an update is under way (an upload should be refused).
func (s *Service) Busy() bool {
	switch s.State().State {
	case StateVerifying, StateInstalling, StateRebooting, StateConfirming:
		return true
	}
	return false
}

// Run loads what a previous run left (an install cut short, an update to
// confirm) and then serves Start requests until ctx ends.
func (s *Service) Run(ctx context.Context) error {
	s.refreshSystem(ctx)
	j, err := readJournal(s.opt.Dir)
	if err != nil {
		s.log.Error("update: journal unreadable, ignoring it", "err", err)
		_ = removeJournal(s.opt.Dir)
	}
	s.mu.Lock()
	s.ready = true
	s.mu.Unlock()
	if j != nil {
		s.resume(ctx, j)
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case b := <-s.jobs:
			s.install(ctx, b)
			if ctx.Err() != nil {
				return nil
			}
		}
	}
}

func (s *Service) refreshSystem(ctx context.Context) {
	if !s.opt.Available() {
		s.mu.Lock()
		s.sys = System{Slot: "none", Note: noRaucNote}
		s.mu.Unlock()
		return
	}
	st, err := s.opt.Installer.Status(ctx)
	if err != nil {
		s.log.Warn("update: slot status", "err", err)
		s.mu.Lock()
		s.sys = System{Slot: "none", Note: "rauc status failed: " + err.Error()}
		s.mu.Unlock()
		return
	}
	sys := System{Slot: st.Booted, Primary: st.Primary, Compatible: st.Compatible}
	if b, ok := st.BootedSlot(); ok {
		sys.Slot, sys.Version, sys.BootStatus = b.BootName, b.Version, b.BootStatus
	}
	if sys.Slot == "" {
		sys.Slot, sys.Note = "none", "rauc does not know which slot is running"
	}
	s.mu.Lock()
	s.sys = sys
	s.mu.Unlock()
}

// resume finishes what the journal says was under way.
func (s *Service) resume(ctx context.Context, j *journal) {
	sys := s.System()
	switch j.Phase {
	case phaseFailed:
		s.set(StateFailed, 0, j.Message)
	case phaseInstalling:
		s.fail(fmt.Sprintf("interrupted: the install of %s did not finish (power cut or restart); slot %s still runs the old firmware, unchanged; upload the bundle again",
			orUnknown(j.Version), sys.Slot), j.Version)
	case phaseRebooting:
		if sys.Slot != j.Target {
			s.fail(fmt.Sprintf("the box came back on slot %s, not the updated slot %s: the new firmware %s did not boot and the bootloader fell back",
				sys.Slot, j.Target, orUnknown(j.Version)), j.Version)
			return
		}
		s.confirm(ctx, j)
	default:
		s.log.Warn("update: unknown journal phase, ignoring", "phase", j.Phase)
		_ = removeJournal(s.opt.Dir)
	}
}

// confirm proves the new slot healthy, then marks it good; otherwise
// marks it bad and reboots into the old one.
func (s *Service) confirm(ctx context.Context, j *journal) {
	s.set(StateConfirming, 100, fmt.Sprintf("running %s on slot %s: checking recording and web before marking it good", orUnknown(j.Version), j.Target))
	why := s.waitHealthy(ctx)
	if ctx.Err() != nil {
		return // stopped; the next start checks again
	}
	if why == "" {
		if err := s.opt.Installer.MarkGood(ctx); err != nil {
			s.fail(fmt.Sprintf("slot %s is healthy but could not be marked good: %v", j.Target, err), j.Version)
			return
		}
		if err := removeJournal(s.opt.Dir); err != nil {
			s.log.Error("update: journal", "err", err)
		}
		s.refreshSystem(ctx)
		msg := fmt.Sprintf("updated to %s on slot %s; healthy, marked good", orUnknown(j.Version), j.Target)
		s.log.Info("update confirmed", "version", j.Version, "slot", j.Target)
		s.set(StateIdle, 100, msg)
		return
	}
	msg := fmt.Sprintf("slot %s with %s was not healthy within %s (%s): marked bad, rebooting into slot %s",
		j.Target, orUnknown(j.Version), s.opt.HealthDeadline, why, j.From)
	if err := s.opt.Installer.MarkBad(ctx); err != nil {
		msg += fmt.Sprintf(" (mark-bad failed: %v)", err)
	}
	s.fail(msg, j.Version)
	if err := s.opt.Rebooter.Reboot(ctx); err != nil {
		s.log.Error("update: reboot after failed health check", "err", err)
	}
}

// waitHealthy polls Health until frames advance and the web answers, or
// the deadline passes; it returns "" when healthy, else what was missing.
func (s *Service) waitHealthy(ctx context.Context) string {
	if s.opt.Health == nil {
		return ""
	}
	deadline := time.NewTimer(s.opt.HealthDeadline)
	defer deadline.Stop()
	tick := time.NewTicker(s.opt.PollInterval)
	defer tick.Stop()
	base := int64(-1)
	why := "no health report yet"
	for {
		frames, err := s.opt.Health(ctx)
		switch {
		case base < 0:
			base = frames
			why = "no frames recorded"
			if err != nil {
				why = "web not answering: " + err.Error()
			}
		case err != nil:
			why = "web not answering: " + err.Error()
		case s.opt.RequireFrames && frames <= base:
			why = "no frames recorded"
		default:
			return ""
		}
		if base >= 0 && !s.opt.RequireFrames && err == nil {
			return ""
		}
		select {
		case <-ctx.Done():
			return "stopped"
		case <-deadline.C:
			return why
		case <-tick.C:
		}
	}
}

// install verifies, installs and reboots.
func (s *Service) install(ctx context.Context, bundle string) {
	// The bundle is dropped before the outcome is published, so whoever
	// sees "failed" or "rebooting" finds the disk space already back.
	drop := func() { _ = os.Remove(bundle) }
	defer drop()
	info, err := s.opt.Installer.Info(ctx, bundle)
	if err != nil {
		drop()
		s.fail(fmt.Sprintf("bundle refused: %v", err), "")
		return
	}
	s.mu.Lock()
	s.state.Bundle = &info
	s.mu.Unlock()
	from := s.System().Slot
	if err := writeJournal(s.opt.Dir, &journal{Phase: phaseInstalling, Version: info.Version, From: from, Time: time.Now()}); err != nil {
		drop()
		s.fail(err.Error(), info.Version)
		return
	}
	s.log.Info("update: installing", "version", info.Version, "from_slot", from)
	s.set(StateInstalling, 0, "installing "+info.Version)
	err = s.opt.Installer.Install(ctx, bundle, func(p Progress) {
		s.set(StateInstalling, p.Percent, p.Message)
	})
	if ctx.Err() != nil {
		// Shutting down mid-install: the journal still says installing,
		// so the next start reports the interruption.
		return
	}
	if err != nil {
		drop()
		s.fail(fmt.Sprintf("install of %s failed: %v; slot %s still runs the old firmware", info.Version, err, from), info.Version)
		return
	}
	s.refreshSystem(ctx)
	target := s.System().Primary
	if target == "" || target == from {
		drop()
		s.fail(fmt.Sprintf("rauc installed %s but slot %s is still the one to boot next; not rebooting", info.Version, from), info.Version)
		return
	}
	if err := writeJournal(s.opt.Dir, &journal{Phase: phaseRebooting, Version: info.Version, From: from, Target: target, Time: time.Now()}); err != nil {
		drop()
		s.fail(err.Error(), info.Version)
		return
	}
	drop()
	s.set(StateRebooting, 100, fmt.Sprintf("installed %s into slot %s; rebooting", info.Version, target))
	s.log.Info("update: installed, rebooting", "version", info.Version, "slot", target)
	if err := s.opt.Rebooter.Reboot(ctx); err != nil {
		drop()
		s.fail(fmt.Sprintf("installed %s into slot %s, but the reboot failed: %v; reboot the box to finish", info.Version, target, err), info.Version)
		_ = writeJournal(s.opt.Dir, &journal{Phase: phaseRebooting, Version: info.Version, From: from, Target: target, Time: time.Now()})
	}
}

func orUnknown(v string) string {
	if v == "" {
		return "the new firmware"
	}
	return v
}
