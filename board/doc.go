// Package board hides the box's front panel and disk-slot hardware (LEDs,
// buzzer, buttons, disk presence/power lines, watchdog) behind small
// interfaces, so the recorder runs the same on real GPIO, in the simulator
// and in tests.
package board
