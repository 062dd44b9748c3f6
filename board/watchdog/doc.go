// Package watchdog feeds the Linux hardware watchdog (/dev/watchdog) only
// while the recorder makes progress, so a wedged ingest or ring writer
// reboots the box instead of silently not recording.
package watchdog
