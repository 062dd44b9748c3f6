package config

import (
	"strings"
	"testing"
	"time"
)

func TestUpdateSection(t *testing.T) {
	base := "box: {id: b1}\nstorage: {path: /data/skyguard, size: 1GiB}\n"
	c, err := Parse("t.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if c.Update.Dir != "/data/update" || c.Update.RAUC != "rauc" || c.Update.HealthDeadline != DefaultHealthDeadline ||
		len(c.Update.Reboot) != 1 || c.Update.Reboot[0] != "reboot" {
		t.Fatalf("defaults: %+v", c.Update)
	}
	c, err = Parse("t.yaml", []byte(base+"update:\n  rauc: /usr/bin/rauc\n  health_deadline: 90s\n  reboot: reboot -f\n  mark_good: /usr/lib/skyguard/tryboot-commit\n  max_bundle_size: 512MiB\n"))
	if err != nil {
		t.Fatal(err)
	}
	u := c.Update
	if u.RAUC != "/usr/bin/rauc" || u.HealthDeadline != 90*time.Second || len(u.Reboot) != 2 || u.MarkGood[0] != "/usr/lib/skyguard/tryboot-commit" || u.MaxBundleSize != 512<<20 {
		t.Fatalf("parsed: %+v", u)
	}
	_, err = Parse("t.yaml", []byte(base+"update:\n  health_deadline: soon\n  dir: rel\n  colour: red\n"))
	if err == nil {
		t.Fatal("bad update section accepted")
	}
	for _, want := range []string{"t.yaml:4: update.health_deadline", "t.yaml:5: update.dir", "t.yaml:6: update.colour: unknown field"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}
