package gpio

import (
	"errors"
	"fmt"

	"github.com/warthog618/go-gpiocdev"
)

// Consumer is the label the kernel shows for our lines (gpioinfo).
const Consumer = "skyguard"

// line is the part of a requested GPIO line the board uses; values are
// logical (active-low already applied).
type line interface {
	Value() (int, error)
	SetValue(v int) error
	Close() error
}

// lineRequester finds and requests lines; onEdge (inputs only) gets the
// new logical level on every edge.
type lineRequester interface {
	Request(spec LineSpec, consumer string, onEdge func(active bool)) (line, error)
}

// cdev is the real line layer.
type cdev struct{}

func (cdev) Request(spec LineSpec, consumer string, onEdge func(bool)) (line, error) {
	chip, offset := spec.Chip, 0
	if spec.Offset != nil {
		offset = *spec.Offset
	}
	if spec.Name != "" {
		var err error
		chip, offset, err = gpiocdev.FindLine(spec.Name)
		if err != nil {
			return nil, fmt.Errorf("find %s on %v: %w", spec, gpiocdev.Chips(), err)
		}
	} else if err := gpiocdev.IsChip(chip); err != nil {
		return nil, fmt.Errorf("chip %s: %w", chip, err)
	}
	opts := []gpiocdev.LineReqOption{gpiocdev.WithConsumer(consumer)}
	if spec.ActiveLow {
		opts = append(opts, gpiocdev.AsActiveLow)
	}
	switch spec.Bias {
	case "pull-up":
		opts = append(opts, gpiocdev.WithPullUp)
	case "pull-down":
		opts = append(opts, gpiocdev.WithPullDown)
	case "disabled":
		opts = append(opts, gpiocdev.WithBiasDisabled)
	}
	if spec.Direction == "output" {
		opts = append(opts, gpiocdev.AsOutput(0))
	} else {
		opts = append(opts, gpiocdev.AsInput)
		if onEdge != nil {
			opts = append(opts, gpiocdev.WithBothEdges, gpiocdev.WithEventHandler(func(e gpiocdev.LineEvent) {
				onEdge(e.Type == gpiocdev.LineEventRisingEdge)
			}))
		}
	}
	l, err := gpiocdev.RequestLine(chip, offset, opts...)
	if err != nil {
		if errors.Is(err, gpiocdev.ErrNotFound) {
			return nil, fmt.Errorf("request %s offset %d: no such line: %w", chip, offset, err)
		}
		return nil, fmt.Errorf("request %s offset %d: %w", chip, offset, err)
	}
	return l, nil
}
