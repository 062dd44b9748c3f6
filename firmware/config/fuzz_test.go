package config

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds Parse arbitrary text: it must never panic, and what it
// accepts must hold the invariants the rest of the firmware relies on.
func FuzzParse(f *testing.F) {
	if ex, err := os.ReadFile(filepath.Join("..", "skyguard.example.yaml")); err == nil {
		f.Add(ex)
	}
	for _, s := range []string{
		okHead,
		okHead + "cameras:\n  - {id: cam01, main: \"rtsp://u:p@h/1\"}\n  - {id: cam01, main: \"rtsp://h/2\"}\n",
		"box: {id: a}\nstorage:\n  path: /data\n  sise: 10GiB\n",
		"box:\n  - id: a\n",
		"x: &a {id: a}\nbox: *a\n",
		"box: {id: a}\nstorage: [path: /d\n",
		okHead + "---\nbox: {id: b}\n",
		okHead + "http: {listen: \"[::1]:8080\"}\n",
		"box: {id: a}\nstorage: {path: /d, size: 1.5TB, slot_size: 1MiB}\n",
		"",
		"\t",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.yaml", data)
		if err != nil {
			if c != nil {
				t.Fatal("config returned with an error")
			}
			return
		}
		if c.Box.ID == "" || c.Storage.Path == "" || c.Storage.Size <= 0 {
			t.Fatalf("required fields missing: %+v", c)
		}
		if s := c.Storage.SlotSize; s%4096 != 0 || s < 1<<20 || s > c.Storage.Size/2 {
			t.Fatalf("bad slot size accepted: %+v", c.Storage)
		}
		seen := map[string]bool{}
		for _, cam := range c.Cameras {
			if seen[cam.ID] || cam.Main == "" || checkRTSP(cam.Main) != "" {
				t.Fatalf("bad camera accepted: %+v", cam)
			}
			seen[cam.ID] = true
			_ = cam.RedactedMain()
		}
		if checkListen(c.HTTP.Listen) != "" {
			t.Fatalf("bad listen accepted: %q", c.HTTP.Listen)
		}
	})
}
