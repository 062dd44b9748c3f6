package config

import (
	"strings"
	"testing"
	"time"
)

func TestDiskSection(t *testing.T) {
	const head = "box: {id: b1}\nstorage: {path: /data/x, size: 1GiB, slot_size: 64MiB}\n"
	def := Disk{WarnFree: 256 << 20, FaultFree: 32 << 20, SmartInterval: 10 * time.Minute}
	for _, tc := range []struct {
		name, yaml string
		want       Disk
		err        string // substring of the error, "" for none
	}{
		{"absent: defaults, no device", "", def, ""},
		{"empty map", "disk: {}\n", def, ""},
		{"all fields", "disk: {device: /dev/sda, require_mount: true, warn_free: 1GiB, fault_free: 100MB, smart_interval: 1h}\n",
			Disk{Device: "/dev/sda", RequireMount: true, WarnFree: 1 << 30, FaultFree: 100e6, SmartInterval: time.Hour}, ""},
		{"require_mount no", "disk: {require_mount: no}\n", def, ""},
		{"relative device", "disk: {device: sda}\n", def, "disk.device"},
		{"bad bool", "disk: {require_mount: maybe}\n", def, "disk.require_mount"},
		{"bad size", "disk: {warn_free: 1G}\n", def, "disk.warn_free"},
		{"fault above warn", "disk: {warn_free: 10MiB, fault_free: 20MiB}\n", def, "disk.fault_free"},
		{"bad interval", "disk: {smart_interval: often}\n", def, "disk.smart_interval"},
		{"interval too short", "disk: {smart_interval: 10s}\n", def, "disk.smart_interval"},
		{"unknown field", "disk: {dev: /dev/sda}\n", def, "disk.dev"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse("t.yaml", []byte(head+tc.yaml))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "t.yaml:3") {
					t.Fatalf("got %v, want an error on line 3 naming %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Disk != tc.want {
				t.Fatalf("got %+v, want %+v", c.Disk, tc.want)
			}
		})
	}
}
