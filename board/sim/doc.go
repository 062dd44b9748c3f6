// Package sim is an in-memory board for development, tests and the demo:
// LEDs are readable, buttons are pressed programmatically on a simulated
// clock, the disk slot and watchdog are plain state. Snapshot feeds the UI's
// front-panel mirror.
package sim
