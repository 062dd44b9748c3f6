// Package update installs firmware bundles with RAUC (A/B root
// filesystems) and confirms them: it verifies an uploaded bundle
// (`rauc info`), installs it into the other slot (`rauc install`) while
// reporting progress, reboots, and after the boot marks the new slot good
// only once the box has proved healthy (the ring records frames and the
// web server answers) within a deadline; otherwise it marks the slot bad
// and reboots so the bootloader falls back to the old one. It also
// reports the running slot and version for /api/status.
package update
