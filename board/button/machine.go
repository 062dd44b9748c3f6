package button

import (
	"time"

	"skyguard/board"
)

// Config holds the timings; the zero value means Defaults.
type Config struct {
	Debounce time.Duration // shorter level changes are bounces
	ShortMax time.Duration // a press released before this is ShortPress
	Long     time.Duration // held this long fires LongPress
}

// Defaults are the panel's timings.
var Defaults = Config{Debounce: 30 * time.Millisecond, ShortMax: 2 * time.Second, Long: 10 * time.Second}

// Machine debounces one button. Not safe for concurrent use: the owner
// serialises Edge and Tick (the GPIO driver and the simulator do).
type Machine struct {
	name string
	cfg  Config
	emit func(board.ButtonEvent)

	down      bool          // debounced level
	pressedAt time.Duration // when the debounced press began (its first edge)
	longDone  bool

	pending   bool // a raw level differs from the debounced one
	pendingAt time.Duration
	now       time.Duration
}

// New returns a machine for the named button; emit receives its events
// synchronously from Edge and Tick.
func New(name string, cfg Config, emit func(board.ButtonEvent)) *Machine {
	if cfg.Debounce <= 0 {
		cfg.Debounce = Defaults.Debounce
	}
	if cfg.ShortMax <= 0 {
		cfg.ShortMax = Defaults.ShortMax
	}
	if cfg.Long <= 0 {
		cfg.Long = Defaults.Long
	}
	if emit == nil {
		emit = func(board.ButtonEvent) {}
	}
	return &Machine{name: name, cfg: cfg, emit: emit}
}

// Down reports the debounced level.
func (m *Machine) Down() bool { return m.down }

// Edge feeds a raw level seen at time t (pressed = active, after any
// active-low inversion). Times going backwards are treated as "now".
func (m *Machine) Edge(t time.Duration, pressed bool) {
	t = m.advance(t)
	switch {
	case pressed == m.down:
		m.pending = false // bounced back before it settled
	case !m.pending:
		m.pending, m.pendingAt = true, t
	}
}

// Tick advances the clock to t without an edge: it settles pending edges,
// fires LongPress on time and reports Holding progress while held.
func (m *Machine) Tick(t time.Duration) {
	t = m.advance(t)
	if m.down && !m.longDone && !m.pending {
		m.emit(board.ButtonEvent{Button: m.name, Kind: board.Holding, Held: t - m.pressedAt})
	}
}

func (m *Machine) advance(t time.Duration) time.Duration {
	if t < m.now {
		t = m.now
	}
	m.now = t
	if m.pending && t-m.pendingAt >= m.cfg.Debounce {
		m.pending = false
		if m.down {
			m.release(m.pendingAt)
		} else {
			m.down, m.pressedAt, m.longDone = true, m.pendingAt, false
			m.emit(board.ButtonEvent{Button: m.name, Kind: board.Pressed})
		}
	}
	// Fire the long press only if the button was still down at the 10 s
	// mark; an unsettled release before it defers the decision.
	if m.down && !m.longDone {
		at := m.pressedAt + m.cfg.Long
		if t >= at && !(m.pending && m.pendingAt <= at) {
			m.longDone = true
			m.emit(board.ButtonEvent{Button: m.name, Kind: board.LongPress, Held: m.cfg.Long})
		}
	}
	return t
}

func (m *Machine) release(at time.Duration) {
	held := at - m.pressedAt
	m.down = false
	if !m.longDone && held >= m.cfg.Long {
		// Released after 10 s with no tick in between: it was a long press.
		m.longDone = true
		m.emit(board.ButtonEvent{Button: m.name, Kind: board.LongPress, Held: m.cfg.Long})
		return
	}
	switch {
	case m.longDone:
		// The action already fired while held; the release means nothing.
	case held < m.cfg.ShortMax:
		m.emit(board.ButtonEvent{Button: m.name, Kind: board.ShortPress, Held: held})
	default:
		m.emit(board.ButtonEvent{Button: m.name, Kind: board.Cancelled, Held: held})
	}
}
