package board

import (
	"fmt"
	"time"
)

// Pattern is what an LED shows over time; the level at any instant comes
// from Level so blink timing is testable on a fake clock.
type Pattern int

// LED patterns. The zero value is Off so an unset LED is dark.
const (
	Off Pattern = iota
	Solid
	SlowBlink // 1 Hz, 50 % duty
	FastBlink // 4 Hz, 50 % duty
	Heartbeat // two short flashes per second, like a pulse
)

var patternNames = [...]string{"off", "solid", "slow-blink", "fast-blink", "heartbeat"}

// String returns the pattern's stable name, used in JSON and logs.
func (p Pattern) String() string {
	if p < 0 || int(p) >= len(patternNames) {
		return fmt.Sprintf("pattern(%d)", int(p))
	}
	return patternNames[p]
}

// MarshalText makes patterns appear by name in JSON (GET /api/board).
func (p Pattern) MarshalText() ([]byte, error) {
	if p < 0 || int(p) >= len(patternNames) {
		return nil, fmt.Errorf("board: marshal pattern %d: unknown", int(p))
	}
	return []byte(patternNames[p]), nil
}

// UnmarshalText parses a pattern name as written by MarshalText.
func (p *Pattern) UnmarshalText(b []byte) error {
	for i, n := range patternNames {
		if n == string(b) {
			*p = Pattern(i)
			return nil
		}
	}
	return fmt.Errorf("board: parse pattern %q: unknown", b)
}

// Blink timings, exported so the documentation and tests name one source.
const (
	SlowPeriod      = time.Second
	FastPeriod      = 250 * time.Millisecond
	HeartbeatPeriod = time.Second
	HeartbeatFlash  = 100 * time.Millisecond // each of the two flashes
	HeartbeatGap    = 150 * time.Millisecond // dark gap between the flashes
)

// Level reports whether an LED showing p is lit at time t (measured from any
// fixed origin; negative t is folded into the period). It is pure so
// drivers only need a clock and a loop.
func Level(p Pattern, t time.Duration) bool {
	switch p {
	case Solid:
		return true
	case SlowBlink:
		return phase(t, SlowPeriod) < SlowPeriod/2
	case FastBlink:
		return phase(t, FastPeriod) < FastPeriod/2
	case Heartbeat:
		ph := phase(t, HeartbeatPeriod)
		second := HeartbeatFlash + HeartbeatGap
		return ph < HeartbeatFlash || (ph >= second && ph < second+HeartbeatFlash)
	default:
		return false
	}
}

func phase(t, period time.Duration) time.Duration {
	ph := t % period
	if ph < 0 {
		ph += period
	}
	return ph
}
