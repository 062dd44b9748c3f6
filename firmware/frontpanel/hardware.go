package frontpanel

import (
	"errors"
	"fmt"
	"io"
	"log/slog"

	"skyguard/board"
	"skyguard/board/gpio"
	"skyguard/board/sim"
)

// Hardware is the panel hardware the loop drives; *sim.Board and
// *gpio.Board both are.
type Hardware interface {
	LED(name string) board.LED
	Buzzer() board.Buzzer
	Button(name string) board.Button
	DiskSlot() board.DiskSlot
}

// Board kinds, as in the config's board.kind.
const (
	KindSim  = "sim"
	KindGPIO = "gpio"
)

// LED and button names of the panel (board/LEDS.md).
var (
	LEDNames    = []string{"status", "rec", "disk", "net"}
	ButtonNames = []string{ResetButton}
)

// ResetButton is the one panel button.
const ResetButton = "reset"

// NewSim returns a simulated panel with the box's LEDs and button.
func NewSim() *sim.Board { return sim.New(LEDNames, ButtonNames) }

// OpenBoard opens the configured panel: kind "" or "sim" gives the
// simulator, "gpio" the lines of the board profile at profile. A missing
// chip or line is an error naming it, so the box refuses to start on the
// wrong board instead of running with a dark panel.
func OpenBoard(kind, profile string, log *slog.Logger) (Hardware, error) {
	switch kind {
	case "", KindSim:
		return NewSim(), nil
	case KindGPIO:
		p, err := gpio.LoadProfile(profile)
		if err != nil {
			return nil, fmt.Errorf("front panel: load board profile: %w", err)
		}
		b, err := gpio.Open(p, log)
		if err != nil {
			return nil, fmt.Errorf("front panel: open GPIO board (profile %s): %w", profile, err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("front panel: board kind %q: %w", kind, errors.ErrUnsupported)
}

// CloseBoard releases the board's lines, if it holds any.
func CloseBoard(hw Hardware) error {
	if c, ok := hw.(io.Closer); ok {
		if err := c.Close(); err != nil {
			return fmt.Errorf("front panel: close board: %w", err)
		}
	}
	return nil
}
