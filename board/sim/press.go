package sim

import (
	"fmt"
	"slices"
	"time"

	"skyguard/board"
)

// MaxPress bounds a simulated press so a bad API call cannot spin for hours.
const MaxPress = time.Minute

// Press holds the named button down for d on the simulated clock (ticking
// like the real driver, so Holding and LongPress arrive on time), releases
// it and lets the release settle. The clock advances by d plus the settle
// time.
func (b *Board) Press(name string, d time.Duration) error {
	if d < 0 || d > MaxPress {
		return fmt.Errorf("sim: press %q for %v: duration out of range [0, %v]", name, d, MaxPress)
	}
	b.pressMu.Lock()
	defer b.pressMu.Unlock()
	b.mu.Lock()
	sb, ok := b.buttons[name]
	if !ok {
		b.mu.Unlock()
		return fmt.Errorf("sim: press %q: %w", name, ErrUnknown)
	}
	start := b.now
	sb.m.Edge(start, true)
	b.mu.Unlock()
	b.run(start, start+d)
	b.mu.Lock()
	sb.m.Edge(start+d, false)
	b.mu.Unlock()
	b.run(start+d, start+d+2*TickStep)
	return nil
}

// Advance moves the simulated clock on by d, ticking the buttons.
func (b *Board) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	b.pressMu.Lock()
	defer b.pressMu.Unlock()
	start := b.Now()
	b.run(start, start+d)
}

// run ticks from a (exclusive) to b (inclusive) in TickStep steps,
// delivering events between steps without holding the lock.
func (b *Board) run(from, to time.Duration) {
	for t := from; t < to; {
		t = min(t+TickStep, to)
		b.mu.Lock()
		b.now = t
		type delivery struct {
			hs []func(board.ButtonEvent)
			ev []board.ButtonEvent
		}
		var ds []delivery
		for _, sb := range b.buttons {
			sb.m.Tick(t)
			if len(sb.queue) > 0 {
				ds = append(ds, delivery{slices.Clone(sb.handlers), sb.queue})
				sb.queue = nil
			}
		}
		b.mu.Unlock()
		for _, d := range ds {
			for _, e := range d.ev {
				for _, h := range d.hs {
					h(e)
				}
			}
		}
	}
}
