// Package smart reads `smartctl --json` output (smartmontools 7.x) for SATA
// and NVMe disks and classifies the disk as ok, warning or fault with a
// reason for the panel's disk LED and the UI.
package smart
