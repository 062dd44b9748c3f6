package volume

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"skyguard/recorder/media"
	"skyguard/recorder/ring"
)

// ErrDown is returned by writes while the volume is not open.
var ErrDown = errors.New("volume: recording storage is down")

// Options tune a supervisor.
type Options struct {
	Logger *slog.Logger
	Ring   ring.Options  // used for every reopen
	Retry  time.Duration // between reopen attempts; default 3 s
	Check  time.Duration // between health checks of the open store; default 1 s
	// HangAfter is how long one write or sync may take before the disk
	// counts as hung; default 20 s.
	HangAfter time.Duration
	// MaxPendingEvents bounds the events kept while down; default 64.
	MaxPendingEvents int
	// PowerCycle, when the board can switch the data disk's power, turns
	// it off and on again and waits for it to be back (see CyclePower).
	// A disk that hangs or vanishes is power-cycled once per fault before
	// the fault is declared final: a wedged disk firmware or USB bridge
	// often comes back that way, and the box is miles from a technician.
	PowerCycle func(ctx context.Context) error
	// RecoverWithin is how long the volume may take to reopen after a
	// power cycle before the fault is final ("disk-failed"); default 30 s.
	RecoverWithin time.Duration
}

// State is what the supervisor shows: ok, or fault with the reason.
type State struct {
	State  string    `json:"state"` // "ok" or "fault"
	Reason string    `json:"reason,omitempty"`
	Since  time.Time `json:"since"`
	UUID   string    `json:"uuid"`
	Faults int       `json:"faults"` // faults since start
}

// Supervisor owns the open store and swaps it for a new one after a fault.
type Supervisor struct {
	dir  string
	uuid string
	opt  Options
	log  *slog.Logger

	mu        sync.Mutex
	store     *ring.Store // nil while down
	lastStats ring.Stats  // of the store taken down
	state     State
	pending   []ring.Event
	changed   chan struct{} // closed and replaced on every state change

	// finalAt is when a power-cycled fault that has not reopened is
	// declared final; zero when no power cycle is pending a verdict. Only
	// Run's goroutine touches it.
	finalAt time.Time
}

// New supervises an open store. The volume's UUID becomes the only one the
// supervisor will ever reopen at the store's folder.
func New(store *ring.Store, opt Options) *Supervisor {
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.Retry <= 0 {
		opt.Retry = 3 * time.Second
	}
	if opt.Check <= 0 {
		opt.Check = time.Second
	}
	if opt.HangAfter <= 0 {
		opt.HangAfter = 20 * time.Second
	}
	if opt.MaxPendingEvents <= 0 {
		opt.MaxPendingEvents = 64
	}
	if opt.RecoverWithin <= 0 {
		opt.RecoverWithin = 30 * time.Second
	}
	return &Supervisor{
		dir: store.Dir(), uuid: store.UUID(), opt: opt, log: opt.Logger.With("volume", store.UUID()),
		store: store, state: State{State: "ok", Since: time.Now(), UUID: store.UUID()},
		changed: make(chan struct{}),
	}
}

// State returns the current state.
func (v *Supervisor) State() State {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.state
}

// Changed returns a channel closed at the next state change.
func (v *Supervisor) Changed() <-chan struct{} {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.changed
}

// Store returns the open store for reads, or ErrDown.
func (v *Supervisor) Store() (*ring.Store, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.store == nil {
		return nil, fmt.Errorf("%w: %s", ErrDown, v.state.Reason)
	}
	return v.store, nil
}

// Append hands a frame to the open store; while down it fails at once.
func (v *Supervisor) Append(camera string, au *media.AccessUnit) error {
	s, err := v.Store()
	if err != nil {
		return fmt.Errorf("volume: append %s: %w", camera, err)
	}
	return s.Append(camera, au)
}

// Flush writes a camera's buffered frames; while down it fails at once.
func (v *Supervisor) Flush(camera string) error {
	s, err := v.Store()
	if err != nil {
		return fmt.Errorf("volume: flush %s: %w", camera, err)
	}
	return s.Flush(camera)
}

// AddEvent records an event in the index; while down it is kept (bounded)
// and written once the volume is back.
func (v *Supervisor) AddEvent(kind, camera, msg string) {
	v.mu.Lock()
	s := v.store
	if s == nil {
		if len(v.pending) < v.opt.MaxPendingEvents {
			v.pending = append(v.pending, ring.Event{Time: time.Now(), Kind: kind, Camera: camera, Message: msg})
		}
		v.mu.Unlock()
		return
	}
	v.mu.Unlock()
	s.AddEvent(kind, camera, msg)
}

func (v *Supervisor) setState(store *ring.Store, state, reason string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.store = store
	if state == "fault" && v.state.State != "fault" {
		v.state.Faults++
	}
	v.state.State, v.state.Reason, v.state.Since = state, reason, time.Now()
	close(v.changed)
	v.changed = make(chan struct{})
}

// Run runs the open store's sync loop and supervises it until ctx ends;
// then it stops and closes whatever store is open.
func (v *Supervisor) Run(ctx context.Context) error {
	for {
		v.mu.Lock()
		s := v.store
		v.mu.Unlock()
		if s == nil {
			var err error
			if s, err = v.reopen(ctx); err != nil {
				return nil // ctx ended while down: nothing open to close
			}
		}
		reason, cycle, err := v.watch(ctx, s)
		if err != nil {
			return err
		}
		if reason == "" {
			return nil
		}
		// Take it down: writers fail fast from now on, the store is closed
		// in the background so a hung disk cannot stall the supervisor.
		v.log.Error("volume: recording storage down", "reason", reason)
		v.mu.Lock()
		v.lastStats = s.Stats()
		v.mu.Unlock()
		v.setState(nil, "fault", reason)
		v.AddEvent("disk-fault", "", reason)
		closed := make(chan struct{})
		go func() {
			defer close(closed)
			if err := s.Close(); err != nil {
				v.log.Warn("volume: close faulted store", "err", err)
			}
		}()
		// The power cycle runs before waiting for the close: the close may
		// be stuck behind the very write the cycle unsticks.
		if cycle && v.opt.PowerCycle != nil {
			v.powerCycle(ctx, reason)
		}
		select {
		case <-closed:
		case <-ctx.Done():
			return nil
		}
	}
}

// watch runs one store until it faults (returning the reason, and whether
// a power cycle may cure it) or ctx ends (returning "" after a clean stop).
func (v *Supervisor) watch(ctx context.Context, s *ring.Store) (string, bool, error) {
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	runDone := make(chan error, 1)
	go func() { runDone <- s.Run(runCtx) }()
	sbInfo, sbErr := os.Stat(ring.SuperblockPath(v.dir))
	t := time.NewTicker(v.opt.Check)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			err := <-runDone
			closeErr := s.Close()
			v.setState(nil, "stopped", "")
			if err != nil && !errors.Is(err, ring.ErrFault) {
				return "", false, errors.Join(err, closeErr)
			}
			return "", false, closeErr
		case <-t.C:
		}
		reason, cycle := v.check(s, sbInfo, sbErr)
		if reason == "" {
			continue
		}
		s.Fail(errors.New(reason))
		stop()
		// Run returns once its final flush gives up on the fault; a hung
		// disk may keep it, and that must not keep the box from retrying.
		select {
		case <-runDone:
		case <-time.After(v.opt.Check):
		}
		return reason, cycle, nil
	}
}

// check says why the open store must go down, or "", and whether the
// disk is hung or gone, which a power cycle may cure (a full disk or a
// replaced folder it cannot).
func (v *Supervisor) check(s *ring.Store, sbInfo os.FileInfo, sbErr error) (string, bool) {
	if err := s.Fault(); err != nil {
		return err.Error(), false
	}
	// Writes to unlinked files succeed: a folder removed or unmounted
	// under the open store shows only as its superblock being gone or
	// being another file.
	fi, err := os.Stat(ring.SuperblockPath(v.dir))
	switch {
	case err != nil:
		return fmt.Sprintf("data folder %s vanished: %v", v.dir, err), true
	case sbErr == nil && !os.SameFile(fi, sbInfo):
		return fmt.Sprintf("data folder %s was replaced under the running box", v.dir), false
	}
	if io := s.IOStats(); io.StuckFor > v.opt.HangAfter {
		return fmt.Sprintf("disk hung: a write has not returned for %s", io.StuckFor.Round(time.Second)), true
	}
	return "", false
}

// reopen retries until the same volume opens cleanly, or ctx ends.
func (v *Supervisor) reopen(ctx context.Context) (*ring.Store, error) {
	t := time.NewTicker(v.opt.Retry)
	defer t.Stop()
	var last string
	for {
		s, err := v.tryOpen()
		if err == nil {
			v.mu.Lock()
			events := v.pending
			v.pending = nil
			reason := v.state.Reason
			v.mu.Unlock()
			for _, ev := range events {
				s.AddEvent(ev.Kind, ev.Camera, ev.Time.UTC().Format(time.RFC3339)+": "+ev.Message)
			}
			v.finalAt = time.Time{}
			s.AddEvent("disk-recovered", "", "recording resumed after: "+reason)
			v.log.Info("volume: recording storage back", "after", reason)
			v.setState(s, "ok", "")
			return s, nil
		}
		if err.Error() != last {
			v.log.Warn("volume: reopen", "err", err)
			last = err.Error()
		}
		v.mu.Lock()
		v.state.Reason = reasonDown(v.state.Reason, err)
		v.mu.Unlock()
		if !v.finalAt.IsZero() && !time.Now().Before(v.finalAt) {
			v.finalAt = time.Time{}
			v.fail(fmt.Sprintf("not back %s after a power cycle: %v", v.opt.RecoverWithin, err))
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// reasonDown keeps the original fault and adds why it is still down.
func reasonDown(prev string, err error) string {
	prev, _, _ = strings.Cut(prev, downSep)
	return prev + downSep + err.Error()
}

// downSep parts a fault's reason from why it is still down.
const downSep = " — still down: "

// tryOpen opens the folder only if it holds the same volume. It never
// formats: an empty folder is a disk that is not mounted.
func (v *Supervisor) tryOpen() (*ring.Store, error) {
	id, err := ring.ReadVolumeID(v.dir)
	if errors.Is(err, ring.ErrNotVolume) {
		return nil, fmt.Errorf("%s holds no volume (disk not mounted?); not formatting it: %w", v.dir, err)
	}
	if err != nil {
		return nil, fmt.Errorf("read volume id at %s: %w", v.dir, err)
	}
	if id != v.uuid {
		return nil, fmt.Errorf("%s holds volume %s, not %s: refusing to record onto another disk: %w", v.dir, id, v.uuid, ring.ErrWrongVolume)
	}
	ro := v.opt.Ring
	if ro.Logger == nil {
		ro.Logger = v.opt.Logger
	}
	s, err := ring.Open(v.dir, ro)
	if err != nil {
		return nil, fmt.Errorf("open volume %s: %w", v.dir, err)
	}
	return s, nil
}
