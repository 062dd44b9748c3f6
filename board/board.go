package board

import "time"

// LED is one front-panel LED; the driver animates the pattern itself.
type LED interface {
	Set(p Pattern)
}

// Buzzer is the panel's sounder.
type Buzzer interface {
	Set(on bool)
}

// ButtonKind says what a button did after debouncing.
type ButtonKind int

// Button event kinds, produced by board/button's debounce machine.
const (
	// Pressed: the button went down (debounced).
	Pressed ButtonKind = iota + 1
	// Holding: progress while held and before LongPress; Held grows.
	Holding
	// ShortPress: released before the short-press limit (2 s):
	// acknowledge alarm, silence buzzer.
	ShortPress
	// LongPress: held for the long-press time (10 s); fires while still
	// held: reset network settings and admin password.
	LongPress
	// Cancelled: released after the short limit but before LongPress;
	// it does nothing except end the hold feedback.
	Cancelled
)

var kindNames = [...]string{"", "pressed", "holding", "short-press", "long-press", "cancelled"}

// String returns the kind's stable name.
func (k ButtonKind) String() string {
	if k <= 0 || int(k) >= len(kindNames) {
		return "unknown"
	}
	return kindNames[k]
}

// MarshalText makes kinds appear by name in JSON.
func (k ButtonKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// ButtonEvent is one debounced event of a named button.
type ButtonEvent struct {
	Button string        `json:"button"`
	Kind   ButtonKind    `json:"kind"`
	Held   time.Duration `json:"held"` // how long it has been (or was) held
}

// Button delivers debounced events. Handlers run on the driver's goroutine
// and must not block.
type Button interface {
	Name() string
	OnEvent(h func(ButtonEvent))
}

// DiskSlot is the data-disk bay: a presence line and a power switch, so a
// hung disk can be power-cycled.
type DiskSlot interface {
	Present() (bool, error)
	SetPower(on bool) error
}

// Watchdog is the hardware watchdog. Close(true) disarms it (clean
// shutdown); Close(false) leaves it armed so a hang still reboots the box.
type Watchdog interface {
	Feed() error
	Close(disarm bool) error
}
