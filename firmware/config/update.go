package config

import (
	"path/filepath"
	"strings"
	"time"
)

// Update configures firmware updates (RAUC A/B slots).
type Update struct {
	RAUC           string        // rauc binary; "rauc" looks it up in PATH
	Dir            string        // journal and uploaded bundles; default beside storage.path
	HealthDeadline time.Duration // time a new slot has to prove healthy before it is marked bad
	Reboot         []string      // argv that reboots the box
	MarkGood       []string      // argv replacing `rauc status mark-good`, if set
	MarkBad        []string      // argv replacing `rauc status mark-bad`, if set
	MaxBundleSize  int64         // largest upload accepted
}

// Defaults of the update section.
const (
	DefaultHealthDeadline = 5 * time.Minute
	DefaultMaxBundleSize  = 1 << 30
)

func parseUpdate(l *errorList, f field, storagePath string) Update {
	u := Update{RAUC: "rauc", HealthDeadline: DefaultHealthDeadline, Reboot: []string{"reboot"}, MaxBundleSize: DefaultMaxBundleSize}
	if storagePath != "" {
		// The data disk, not the read-only root or RAM: bundles are big.
		u.Dir = filepath.Join(filepath.Dir(storagePath), "update")
	}
	if f.key == nil {
		return u
	}
	fs := l.fields(f.val, "update", "rauc", "dir", "health_deadline", "reboot", "mark_good", "mark_bad", "max_bundle_size")
	if s, _ := l.optional(fs, "rauc", "update", "", 0); s != "" {
		u.RAUC = s
	}
	if s, line := l.optional(fs, "dir", "update", "", 0); s != "" {
		if !filepath.IsAbs(s) {
			l.add(line, "update.dir", "%q is not an absolute path", s)
		}
		u.Dir = filepath.Clean(s)
	}
	if s, line := l.optional(fs, "health_deadline", "update", "", 0); s != "" {
		d, err := time.ParseDuration(s)
		switch {
		case err != nil:
			l.add(line, "update.health_deadline", "%q is not a duration (e.g. 5m, 90s)", s)
		case d < 10*time.Second:
			l.add(line, "update.health_deadline", "%s is too short: the box needs time to start recording", d)
		default:
			u.HealthDeadline = d
		}
	}
	if s, _ := l.optional(fs, "reboot", "update", "", 0); s != "" {
		u.Reboot = strings.Fields(s)
	}
	if s, _ := l.optional(fs, "mark_good", "update", "", 0); s != "" {
		u.MarkGood = strings.Fields(s)
	}
	if s, _ := l.optional(fs, "mark_bad", "update", "", 0); s != "" {
		u.MarkBad = strings.Fields(s)
	}
	if s, line := l.optional(fs, "max_bundle_size", "update", "", 0); s != "" {
		n, err := ParseSize(s)
		switch {
		case err != nil:
			l.add(line, "update.max_bundle_size", "%v", err)
		case n < 1<<20:
			l.add(line, "update.max_bundle_size", "%s is less than 1 MiB", FormatSize(n))
		default:
			u.MaxBundleSize = n
		}
	}
	return u
}
