package config

import (
	"path/filepath"
	"strings"
	"time"
)

// Disk is the data-disk health watch (firmware/diskhealth). All optional:
// without a device the box judges only the data folder (free space,
// mount, the ring's own latency), never SMART or the kernel log, because
// it cannot know which block device holds the folder.
type Disk struct {
	Device        string        // block device, e.g. /dev/sda; "" skips SMART and kernel-log checks
	RequireMount  bool          // storage.path must be a mount point of its own
	WarnFree      int64         // free bytes below which the disk is a warning
	FaultFree     int64         // free bytes below which it is a fault
	SmartInterval time.Duration // between SMART reads, which can spin up a sleeping disk
}

// Defaults of the disk section.
const (
	DefaultWarnFree      = 256 << 20
	DefaultFaultFree     = 32 << 20
	DefaultSmartInterval = 10 * time.Minute
)

func parseDisk(l *errorList, f field) Disk {
	d := Disk{WarnFree: DefaultWarnFree, FaultFree: DefaultFaultFree, SmartInterval: DefaultSmartInterval}
	if f.key == nil {
		return d
	}
	fs := l.fields(f.val, "disk", "device", "require_mount", "warn_free", "fault_free", "smart_interval")
	if s, line := l.optional(fs, "device", "disk", "", f.key.Line); s != "" {
		if !filepath.IsAbs(s) {
			l.add(line, "disk.device", "%q is not an absolute path (e.g. /dev/sda)", s)
		}
		d.Device = s
	}
	if s, line := l.optional(fs, "require_mount", "disk", "false", f.key.Line); s != "" {
		switch strings.ToLower(s) {
		case "true", "yes", "on":
			d.RequireMount = true
		case "false", "no", "off":
		default:
			l.add(line, "disk.require_mount", "expected true or false, got %q", s)
		}
	}
	sizeField := func(key string, def int64) (int64, int) {
		s, line := l.optional(fs, key, "disk", "", f.key.Line)
		if s == "" {
			return def, line
		}
		n, err := ParseSize(s)
		if err != nil {
			l.add(line, "disk."+key, "%v", err)
			return def, line
		}
		return n, line
	}
	d.WarnFree, _ = sizeField("warn_free", DefaultWarnFree)
	var faultLine int
	d.FaultFree, faultLine = sizeField("fault_free", DefaultFaultFree)
	if d.FaultFree > d.WarnFree {
		l.add(faultLine, "disk.fault_free", "%s is above disk.warn_free (%s): the warning would never show",
			FormatSize(d.FaultFree), FormatSize(d.WarnFree))
	}
	if s, line := l.optional(fs, "smart_interval", "disk", "", f.key.Line); s != "" {
		iv, err := time.ParseDuration(s)
		switch {
		case err != nil:
			l.add(line, "disk.smart_interval", "%q is not a duration (e.g. 10m, 1h)", s)
		case iv < time.Minute:
			// smartctl wakes a sleeping disk: more often keeps it spinning.
			l.add(line, "disk.smart_interval", "%s is too short: at least 1m", iv)
		default:
			d.SmartInterval = iv
		}
	}
	return d
}
