package gpio

import (
	"errors"
	"fmt"

	"skyguard/board"
)

// ErrNoLine is returned when the profile lacks the line a device needs.
var ErrNoLine = errors.New("gpio: line not in board profile")

// LED returns the LED (status, rec, disk, net), or nil if the profile has
// none.
func (b *Board) LED(name string) board.LED {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.lines["led."+name] == nil {
		return nil
	}
	return gpioLED{b, name}
}

type gpioLED struct {
	b    *Board
	name string
}

func (l gpioLED) Set(p board.Pattern) {
	l.b.mu.Lock()
	l.b.patterns[l.name] = p
	l.b.mu.Unlock()
}

// Buzzer returns the buzzer; without a buzzer line it does nothing.
func (b *Board) Buzzer() board.Buzzer { return gpioBuzzer{b} }

type gpioBuzzer struct{ b *Board }

func (z gpioBuzzer) Set(on bool) {
	z.b.mu.Lock()
	z.b.buzzer = on
	z.b.mu.Unlock()
}

// Button returns the named button (e.g. "reset"), or nil.
func (b *Board) Button(name string) board.Button {
	b.mu.Lock()
	defer b.mu.Unlock()
	gb := b.buttons[name]
	if gb == nil {
		return nil
	}
	return gb
}

func (g *gpioButton) Name() string { return g.name }

func (g *gpioButton) OnEvent(h func(board.ButtonEvent)) {
	g.b.mu.Lock()
	g.handlers = append(g.handlers, h)
	g.b.mu.Unlock()
}

// DiskSlot returns the disk bay lines.
func (b *Board) DiskSlot() board.DiskSlot { return gpioDisk{b} }

type gpioDisk struct{ b *Board }

func (d gpioDisk) Present() (bool, error) {
	d.b.mu.Lock()
	l := d.b.lines["disk.present"]
	d.b.mu.Unlock()
	if l == nil {
		return false, fmt.Errorf("gpio: disk presence: %w", ErrNoLine)
	}
	v, err := l.Value()
	if err != nil {
		return false, fmt.Errorf("gpio: read disk presence: %w", err)
	}
	return v == 1, nil
}

func (d gpioDisk) SetPower(on bool) error {
	d.b.mu.Lock()
	l := d.b.lines["disk.power"]
	d.b.mu.Unlock()
	if l == nil {
		return fmt.Errorf("gpio: disk power: %w", ErrNoLine)
	}
	if err := l.SetValue(bit(on)); err != nil {
		return fmt.Errorf("gpio: set disk power %v: %w", on, err)
	}
	return nil
}

// HasLine says whether the profile gave the role a line, e.g. whether
// "disk.power" can power-cycle the data disk.
func (b *Board) HasLine(role string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.lines[role] != nil
}
