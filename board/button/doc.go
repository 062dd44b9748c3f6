// Package button turns raw (time, level) edges of a panel button into
// debounced events: short press, long press with hold progress, and
// cancelled holds. It is a pure state machine on a caller-supplied clock.
package button
