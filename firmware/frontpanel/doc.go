// Package frontpanel runs the box's front panel: it turns the recorder's
// live state (cameras, storage, disk, uplink) into LED patterns and the
// buzzer through board/panel's table, acts on the reset button (short press
// acknowledges the alarm, a 10-second hold restores first-boot settings)
// and feeds the hardware watchdog only while recording makes progress.
package frontpanel
