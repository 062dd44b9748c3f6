package frontpanel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"skyguard/board"
	"skyguard/board/panel"
	"skyguard/board/sim"
)

// CameraState is what the panel needs of one camera.
type CameraState struct {
	ID        string
	Streaming bool   // ingest is receiving the stream
	Recording bool   // frames reach the disk
	Frames    uint64 // ingested since start, for the watchdog
}

// StorageState is what the panel needs of the ring.
type StorageState struct {
	BytesWritten uint64 // since open, for the watchdog
	Fault        string // empty when the disk is fine
}

// Source reports the box's live state; the app implements it.
type Source interface {
	Cameras() []CameraState
	Storage() StorageState
}

// EventSink records events in the index (ring.Store does).
type EventSink interface {
	AddEvent(kind, camera, msg string)
}

// SettingsResetter restores first-boot settings (settings.Store does).
type SettingsResetter interface {
	Reset(now time.Time) error
}

// Config wires the panel.
type Config struct {
	Board    Hardware
	Kind     string // "sim" or "gpio", reported by Snapshot
	Source   Source
	Events   EventSink        // may be nil
	Settings SettingsResetter // may be nil: the long press then only logs
	// Disk reports the data disk's health; nil means "OK unless the
	// storage reports a fault" (and "missing" when the slot says so).
	Disk   func() panel.DiskHealth
	Uplink string // host:port checked every UplinkEvery; empty: unknown
	// Watchdog is the device path; empty disables the watchdog.
	Watchdog string
	Interval time.Duration // panel refresh, default 250 ms
	// BootGrace bounds the booting state (status slow-blink) when not
	// every camera starts recording; default 2 min.
	BootGrace time.Duration
	Now       func() time.Time // default time.Now; tests pass a fake clock
	Logger    *slog.Logger
}

// Errors of Press.
var (
	ErrUnknownButton = errors.New("unknown button")
	ErrRealButtons   = errors.New("the board has real buttons; press them")
)

// Panel is the running front panel. Safe for concurrent use.
type Panel struct {
	cfg  Config
	log  *slog.Logger
	leds [4]board.LED
	buzz board.Buzzer
	sim  *sim.Board // nil for gpio boards
	kick chan struct{}
	born time.Time

	mu        sync.Mutex // guards the fields below, set by button handlers
	pendAck   bool
	pendReset bool
	held      time.Duration
	lastEvent *board.ButtonEvent
	buttonDn  bool

	stepMu  sync.Mutex // one Step at a time; guards the fields below
	booting bool
	alarm   alarms
	state   panel.State
	out     panel.Output

	uplink   uplinkState
	watchdog watchdogState
}

// New builds the panel and subscribes to the board's buttons.
func New(cfg Config) *Panel {
	if cfg.Interval <= 0 {
		cfg.Interval = 250 * time.Millisecond
	}
	if cfg.BootGrace <= 0 {
		cfg.BootGrace = 2 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Kind == "" {
		cfg.Kind = KindSim
	}
	p := &Panel{cfg: cfg, log: cfg.Logger.With("part", "frontpanel"), kick: make(chan struct{}, 1), born: cfg.Now(), booting: true}
	for i, n := range LEDNames {
		p.leds[i] = cfg.Board.LED(n)
	}
	p.buzz = cfg.Board.Buzzer()
	p.sim, _ = cfg.Board.(*sim.Board)
	for _, n := range ButtonNames {
		if b := cfg.Board.Button(n); b != nil {
			b.OnEvent(p.onButton)
		}
	}
	return p
}

// onButton runs on the board driver's goroutine: it only records what to
// do and wakes the loop, never blocks.
func (p *Panel) onButton(e board.ButtonEvent) {
	if e.Button != ResetButton {
		return
	}
	p.mu.Lock()
	ev := e
	switch e.Kind {
	case board.Pressed:
		p.held, p.buttonDn = 0, true
	case board.Holding:
		p.held = e.Held
	case board.ShortPress:
		p.held, p.buttonDn, p.pendAck = 0, false, true
	case board.LongPress:
		// The action fires while still held; the feedback ends with it.
		p.held, p.pendReset = 0, true
	case board.Cancelled:
		p.held, p.buttonDn = 0, false
	}
	if e.Kind != board.Holding {
		p.lastEvent = &ev
	}
	p.mu.Unlock()
	if e.Kind != board.Holding {
		p.log.Info("button", "button", e.Button, "kind", e.Kind.String(), "held", e.Held)
	}
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// Run refreshes the panel every Interval and on button events, runs the
// uplink check and the watchdog, until ctx ends. It leaves the LEDs as
// they were: the box is stopping, and the hardware keeps the last state.
func (p *Panel) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if r, ok := p.cfg.Board.(interface{ Run(context.Context) error }); ok {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r.Run(ctx); err != nil {
				p.log.Error("board driver stopped", "err", err)
			}
		}()
	}
	if p.cfg.Uplink != "" {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.runUplink(ctx, p.cfg.Uplink, UplinkEvery, UplinkTimeout)
		}()
	}
	if p.cfg.Watchdog != "" {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.runWatchdog(ctx, p.cfg.Watchdog, WatchdogInterval, nil)
		}()
	}
	t := time.NewTicker(p.cfg.Interval)
	defer t.Stop()
	last := time.Now()
	for {
		p.Step()
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-p.kick:
		}
		// The simulator's clock follows real time between presses, so
		// its snapshot's "lit" levels blink like the real panel.
		if p.sim != nil {
			now := time.Now()
			p.sim.Advance(now.Sub(last))
			last = now
		}
	}
}

// Step applies pending button actions, reads the box state and updates
// the LEDs and buzzer once; it returns what the panel shows.
func (p *Panel) Step() panel.Output {
	p.stepMu.Lock()
	defer p.stepMu.Unlock()
	now := p.cfg.Now()

	p.mu.Lock()
	ack, reset, held := p.pendAck, p.pendReset, p.held
	p.pendAck, p.pendReset = false, false
	p.mu.Unlock()
	if ack {
		p.acknowledge()
	}
	if reset {
		p.resetSettings(now)
	}

	cams := p.cfg.Source.Cameras()
	st := p.cfg.Source.Storage()
	s := panel.State{Cameras: len(cams), Uplink: p.uplink.get(), ResetHeld: held}
	down := map[string]bool{}
	for _, c := range cams {
		if c.Recording {
			s.CamerasRecording++
		}
		if !c.Streaming {
			s.CamerasDown++
			down[c.ID] = true
		}
	}
	s.Disk = p.diskHealth(st)
	if p.booting && (s.CamerasRecording == s.Cameras || now.Sub(p.born) >= p.cfg.BootGrace) {
		p.booting = false
		p.log.Info("booted", "cameras", s.Cameras, "recording", s.CamerasRecording)
	}
	s.Booting = p.booting
	if !p.booting {
		// Cameras still connecting at boot are not "going down"; those
		// still down when boot ends are.
		diskBad := st.Fault != "" || s.Disk == panel.DiskFault || s.Disk == panel.DiskMissing
		if raised := p.alarm.update(down, diskBad); len(raised) > 0 {
			p.log.Warn("alarm", "reasons", strings.Join(raised, "; "))
		}
	}
	s.AlarmUnacked = p.alarm.unacked
	out := panel.Evaluate(s)
	panel.Apply(out, p.leds[0], p.leds[1], p.leds[2], p.leds[3], p.buzz)
	p.state, p.out = s, out
	return out
}

func (p *Panel) diskHealth(st StorageState) panel.DiskHealth {
	if p.cfg.Disk != nil {
		return p.cfg.Disk()
	}
	if ds := p.cfg.Board.DiskSlot(); ds != nil {
		// A board without a presence line reports an error: unknown is
		// not "missing".
		if present, err := ds.Present(); err == nil && !present {
			return panel.DiskMissing
		}
	}
	if st.Fault != "" {
		return panel.DiskFault
	}
	return panel.DiskOK
}

func (p *Panel) acknowledge() {
	what := p.alarm.ack()
	msg := "short press: no alarm to acknowledge"
	if len(what) > 0 {
		msg = "short press: alarm acknowledged, buzzer silenced (" + strings.Join(what, "; ") + ")"
	}
	p.log.Info("button: "+msg, "button", ResetButton)
	p.event(msg)
}

func (p *Panel) resetSettings(now time.Time) {
	if p.cfg.Settings == nil {
		p.log.Error("button: 10 s hold, but no settings store to reset")
		p.event("10 s hold: reset requested, but no settings store is configured")
		return
	}
	if err := p.cfg.Settings.Reset(now); err != nil {
		p.log.Error("button: reset to first-boot settings failed", "err", err)
		p.event(fmt.Sprintf("10 s hold: reset to first-boot settings FAILED: %v", err))
		return
	}
	p.log.Warn("button: network settings and admin password reset to first boot")
	p.event("10 s hold: network settings and admin password reset to first boot")
}

func (p *Panel) event(msg string) {
	if p.cfg.Events != nil {
		p.cfg.Events.AddEvent("button", "", msg)
	}
}

// Press presses a button of the simulated board for d (on its clock, so a
// 10 s hold returns at once) and applies what it did before returning.
func (p *Panel) Press(name string, d time.Duration) error {
	if p.sim == nil {
		return fmt.Errorf("front panel: press %q: %w", name, ErrRealButtons)
	}
	if err := p.sim.Press(name, d); err != nil {
		if errors.Is(err, sim.ErrUnknown) {
			return fmt.Errorf("front panel: press %q: %w", name, ErrUnknownButton)
		}
		return fmt.Errorf("front panel: press %q: %w", name, err)
	}
	p.Step()
	return nil
}
