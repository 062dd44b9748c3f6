package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadConfigRefused: check-config and run reject a wrong file with the
// line and field of each mistake, and touch nothing on disk.
func TestBadConfigRefused(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	bad := "box: {id: jx-01, name: x, township: y}\n" +
		"storage: {path: " + data + ", size: 1GiB, slot_sise: 64MiB}\n" +
		"http: {listen: \":8080\"}\n" +
		"cameras:\n" +
		"  - {id: cam01, name: a, main: \"rtsp://10.0.0.1/1\"}\n" +
		"  - {id: cam01, name: b, main: \"http://10.0.0.2/1\"}\n"
	cfg := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(cfg, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"check-config", cfg}, {"run", "--config", cfg}} {
		out, err := exec.Command(binPath, args...).CombinedOutput()
		if err == nil {
			t.Fatalf("%v accepted a bad config:\n%s", args, out)
		}
		for _, want := range []string{"bad.yaml:2: storage.slot_sise: unknown field", "bad.yaml:6: cameras[1].id: duplicate camera id \"cam01\"", "bad.yaml:6: cameras[1].main"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("%v: output lacks %q:\n%s", args, want, out)
			}
		}
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Fatalf("a rejected config created %s (%v)", data, err)
	}
}

// TestForeignDataRefused: a data path holding something else is never
// formatted over.
func TestForeignDataRefused(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "thesis.doc"), []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := writeConfig(t, dir, freePort(t, "tcp"), "64MiB", "4MiB", camCfg{"cam01", "rtsp://127.0.0.1:1/x"})
	out, err := exec.Command(binPath, "run", "--config", cfg).CombinedOutput()
	if err == nil {
		t.Fatalf("run formatted a folder holding other files:\n%s", out)
	}
	b, _ := os.ReadFile(filepath.Join(data, "thesis.doc"))
	if string(b) != "precious" {
		t.Fatal("the foreign file was changed")
	}
	entries, _ := os.ReadDir(data)
	if len(entries) != 1 {
		t.Fatalf("data folder now holds %d entries", len(entries))
	}
	t.Logf("refused with: %s", strings.TrimSpace(string(out)))
}
