package gpio

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"skyguard/board"
	"skyguard/board/button"
)

// Frame is how often Run redraws blinking LEDs and ticks the buttons;
// 25 ms resolves the 125 ms fast-blink phases exactly enough for eyes.
const Frame = 25 * time.Millisecond

// Board is the real panel. LED patterns are animated by Run.
type Board struct {
	log   *slog.Logger
	start time.Time

	mu       sync.Mutex
	lines    map[string]line // by role
	patterns map[string]board.Pattern
	buzzer   bool
	buttons  map[string]*gpioButton
	closed   bool
}

type gpioButton struct {
	b        *Board
	name     string
	m        *button.Machine
	handlers []func(board.ButtonEvent)
	queue    []board.ButtonEvent
}

// Open requests every line of the profile from the GPIO character device.
// A missing chip or line fails start-up with an error naming the role and
// the line; lines already requested are released.
func Open(p Profile, log *slog.Logger) (*Board, error) { return open(p, cdev{}, log) }

func open(p Profile, req lineRequester, log *slog.Logger) (*Board, error) {
	if log == nil {
		log = slog.Default()
	}
	b := &Board{
		log: log, start: time.Now(),
		lines: map[string]line{}, patterns: map[string]board.Pattern{}, buttons: map[string]*gpioButton{},
	}
	for _, role := range p.Roles() {
		spec := p.Lines[role]
		var onEdge func(bool)
		if name, ok := cutPrefix(role, "button."); ok {
			gb := &gpioButton{b: b, name: name}
			gb.m = button.New(name, button.Config{}, func(e board.ButtonEvent) { gb.queue = append(gb.queue, e) })
			b.buttons[name] = gb
			onEdge = func(active bool) { b.edge(gb, active) }
		}
		l, err := req.Request(spec, Consumer, onEdge)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("gpio: board %s: line %s (%s): %w", p.Board, role, spec, err), b.Close())
		}
		b.lines[role] = l
	}
	return b, nil
}

func cutPrefix(s, prefix string) (string, bool) {
	if len(s) > len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):], true
	}
	return "", false
}

func (b *Board) now() time.Duration { return time.Since(b.start) }

func (b *Board) edge(gb *gpioButton, active bool) {
	b.mu.Lock()
	gb.m.Edge(b.now(), active)
	b.mu.Unlock()
	b.dispatch()
}

// dispatch delivers queued button events outside the lock.
func (b *Board) dispatch() {
	b.mu.Lock()
	type delivery struct {
		hs []func(board.ButtonEvent)
		ev []board.ButtonEvent
	}
	var ds []delivery
	for _, gb := range b.buttons {
		if len(gb.queue) > 0 {
			ds = append(ds, delivery{slices.Clone(gb.handlers), gb.queue})
			gb.queue = nil
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

// Run animates the LEDs and ticks the buttons until ctx ends.
func (b *Board) Run(ctx context.Context) error {
	t := time.NewTicker(Frame)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		b.frame(b.now())
	}
}

// frame sets every output for time now; write errors are logged, not
// fatal: a stuck LED must not stop recording.
func (b *Board) frame(now time.Duration) {
	b.mu.Lock()
	for led, p := range b.patterns {
		if l := b.lines["led."+led]; l != nil {
			if err := l.SetValue(bit(board.Level(p, now))); err != nil {
				b.log.Warn("gpio: set LED", "led", led, "err", err)
			}
		}
	}
	if l := b.lines["buzzer"]; l != nil {
		if err := l.SetValue(bit(b.buzzer)); err != nil {
			b.log.Warn("gpio: set buzzer", "err", err)
		}
	}
	for _, gb := range b.buttons {
		gb.m.Tick(now)
	}
	b.mu.Unlock()
	b.dispatch()
}

func bit(on bool) int {
	if on {
		return 1
	}
	return 0
}

// Close releases every line.
func (b *Board) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil
	}
	b.closed = true
	var errs []error
	for role, l := range b.lines {
		if err := l.Close(); err != nil {
			errs = append(errs, fmt.Errorf("gpio: release %s: %w", role, err))
		}
	}
	b.lines = map[string]line{}
	return errors.Join(errs...)
}
