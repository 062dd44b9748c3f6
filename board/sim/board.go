package sim

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"skyguard/board"
	"skyguard/board/button"
)

// TickStep is how often Press and Advance tick the button machines, like
// the GPIO driver's loop.
const TickStep = 50 * time.Millisecond

// Board is the simulated panel. Safe for concurrent use. Button handlers
// run on the goroutine that calls Press or Advance, outside the lock, so
// they may call back into the board.
type Board struct {
	pressMu sync.Mutex // one press or advance at a time keeps the clock monotonic

	mu       sync.Mutex
	now      time.Duration
	leds     map[string]board.Pattern
	buzzer   bool
	buttons  map[string]*simButton
	disk     diskState
	watchdog watchdogState
}

type diskState struct {
	present, powered bool
	err              error
	powerCycles      int
}

type watchdogState struct {
	feeds    int
	lastFeed time.Duration
	closed   bool
	disarmed bool
}

type simButton struct {
	b        *Board
	name     string
	m        *button.Machine
	handlers []func(board.ButtonEvent)
	queue    []board.ButtonEvent // filled under b.mu, drained outside it
	last     board.ButtonEvent
}

// New returns a board with the named LEDs (all Off), buttons (released), a
// present and powered disk and an unfed watchdog.
func New(leds, buttons []string) *Board {
	b := &Board{
		leds:    make(map[string]board.Pattern, len(leds)),
		buttons: make(map[string]*simButton, len(buttons)),
		disk:    diskState{present: true, powered: true},
	}
	for _, n := range leds {
		b.leds[n] = board.Off
	}
	for _, n := range buttons {
		sb := &simButton{b: b, name: n}
		sb.m = button.New(n, button.Config{}, func(e board.ButtonEvent) {
			sb.queue = append(sb.queue, e)
			sb.last = e
		})
		b.buttons[n] = sb
	}
	return b
}

// Now is the simulated clock, starting at 0.
func (b *Board) Now() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.now
}

// ErrUnknown is returned for a name the board was not built with.
var ErrUnknown = errors.New("unknown")

// LED returns the named LED, or nil if the board has none by that name.
func (b *Board) LED(name string) board.LED {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.leds[name]; !ok {
		return nil
	}
	return simLED{b, name}
}

// Pattern is the named LED's current pattern.
func (b *Board) Pattern(name string) (board.Pattern, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p, ok := b.leds[name]
	if !ok {
		return board.Off, fmt.Errorf("sim: LED %q: %w", name, ErrUnknown)
	}
	return p, nil
}

// Lit reports whether the named LED is lit now on the simulated clock.
func (b *Board) Lit(name string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return board.Level(b.leds[name], b.now)
}

type simLED struct {
	b    *Board
	name string
}

func (l simLED) Set(p board.Pattern) {
	l.b.mu.Lock()
	l.b.leds[l.name] = p
	l.b.mu.Unlock()
}

// Buzzer returns the buzzer.
func (b *Board) Buzzer() board.Buzzer { return simBuzzer{b} }

// Buzzing reports the buzzer's state.
func (b *Board) Buzzing() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buzzer
}

type simBuzzer struct{ b *Board }

func (z simBuzzer) Set(on bool) {
	z.b.mu.Lock()
	z.b.buzzer = on
	z.b.mu.Unlock()
}

// ButtonNames lists the buttons, sorted.
func (b *Board) ButtonNames() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	names := make([]string, 0, len(b.buttons))
	for n := range b.buttons {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Button returns the named button, or nil.
func (b *Board) Button(name string) board.Button {
	b.mu.Lock()
	defer b.mu.Unlock()
	sb, ok := b.buttons[name]
	if !ok {
		return nil
	}
	return sb
}

func (s *simButton) Name() string { return s.name }

func (s *simButton) OnEvent(h func(board.ButtonEvent)) {
	s.b.mu.Lock()
	s.handlers = append(s.handlers, h)
	s.b.mu.Unlock()
}
