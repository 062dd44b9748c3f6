package sim

import "skyguard/board"

// Snapshot is the board's state for GET /api/board; it marshals to JSON
// with patterns by name.
type Snapshot struct {
	ClockMS  int64                    `json:"clock_ms"`
	LEDs     map[string]board.Pattern `json:"leds"`
	Lit      map[string]bool          `json:"lit"` // level at ClockMS, for a mirror without its own animation
	Buzzer   bool                     `json:"buzzer"`
	Buttons  map[string]ButtonState   `json:"buttons"`
	Disk     DiskSnapshot             `json:"disk"`
	Watchdog WatchdogSnapshot         `json:"watchdog"`
}

// ButtonState is one button's debounced state and last event.
type ButtonState struct {
	Down      bool         `json:"down"`
	LastEvent *ButtonEvent `json:"last_event,omitempty"`
}

// ButtonEvent is board.ButtonEvent for JSON: the API gives durations in
// milliseconds, where board.ButtonEvent's time.Duration would marshal to
// nanoseconds.
type ButtonEvent struct {
	Button string           `json:"button"`
	Kind   board.ButtonKind `json:"kind"`
	HeldMS int64            `json:"held_ms"`
}

// EventOf converts a board event for the snapshot.
func EventOf(e board.ButtonEvent) *ButtonEvent {
	return &ButtonEvent{Button: e.Button, Kind: e.Kind, HeldMS: e.Held.Milliseconds()}
}

// DiskSnapshot is the disk bay.
type DiskSnapshot struct {
	Present     bool `json:"present"`
	Powered     bool `json:"powered"`
	PowerCycles int  `json:"power_cycles"`
}

// WatchdogSnapshot is the watchdog's record.
type WatchdogSnapshot struct {
	Feeds      int   `json:"feeds"`
	LastFeedMS int64 `json:"last_feed_ms"`
	Closed     bool  `json:"closed"`
	Disarmed   bool  `json:"disarmed"`
}

// Snapshot copies the board's state.
func (b *Board) Snapshot() Snapshot {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := Snapshot{
		ClockMS: b.now.Milliseconds(),
		LEDs:    make(map[string]board.Pattern, len(b.leds)),
		Lit:     make(map[string]bool, len(b.leds)),
		Buzzer:  b.buzzer,
		Buttons: make(map[string]ButtonState, len(b.buttons)),
		Disk:    DiskSnapshot{b.disk.present, b.disk.powered, b.disk.powerCycles},
		Watchdog: WatchdogSnapshot{
			Feeds: b.watchdog.feeds, LastFeedMS: b.watchdog.lastFeed.Milliseconds(),
			Closed: b.watchdog.closed, Disarmed: b.watchdog.disarmed,
		},
	}
	for n, p := range b.leds {
		s.LEDs[n] = p
		s.Lit[n] = board.Level(p, b.now)
	}
	for n, sb := range b.buttons {
		st := ButtonState{Down: sb.m.Down()}
		if sb.last.Kind != 0 {
			st.LastEvent = EventOf(sb.last)
		}
		s.Buttons[n] = st
	}
	return s
}
