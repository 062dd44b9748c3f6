// Package panel decides what the front panel shows: one table (Rules) maps
// the box state to LED patterns and the buzzer, with priorities — the first
// matching row of an LED wins, so faults are listed before warnings before
// OK. LEDS.md in the parent directory is the same table for people; a test
// keeps the two in step.
package panel
