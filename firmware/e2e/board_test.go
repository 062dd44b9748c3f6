package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type boardDoc struct {
	Kind string            `json:"kind"`
	LEDs map[string]string `json:"leds"`
	Buzz bool              `json:"buzzer"`
}

// TestFrontPanelDemo: the demo's simulated panel shows a healthy box, and
// a 10.5 s press of the reset button (on the simulator's clock: it returns
// at once) restores first-boot settings and leaves a "button" event.
func TestFrontPanelDemo(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	// The demo keeps its settings beside the ring; start from changed ones.
	settingsFile := filepath.Join(data+"-settings", "settings.json")
	if err := os.MkdirAll(filepath.Dir(settingsFile), 0o700); err != nil {
		t.Fatal(err)
	}
	changed := `{"first_boot": false, "network": {"mode": "static", "address": "10.20.30.40/24"}, "admin_password_hash": "x"}`
	if err := os.WriteFile(settingsFile, []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}
	port := freePort(t, "tcp")
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	b := startBox(t, "demo", "--data", data, "--listen", fmt.Sprintf("127.0.0.1:%d", port), "--size", "16MiB", "--slot-size", "4MiB")
	b.waitHTTP(t, base, 30*time.Second)
	b.waitRecording(t, 60*time.Second)

	var doc boardDoc
	deadline := time.Now().Add(30 * time.Second)
	for {
		if code := getJSON(t, base+"/api/board", &doc); code != 200 {
			t.Fatalf("GET /api/board: HTTP %d", code)
		}
		if doc.LEDs["status"] == "solid" && doc.LEDs["rec"] == "solid" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("panel of a recording demo box: %+v", doc)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if doc.Kind != "sim" || doc.Buzz || doc.LEDs["net"] != "off" {
		t.Errorf("healthy demo panel: %+v", doc)
	}

	began := time.Now()
	resp, err := http.Post(base+"/api/board/buttons/reset", "application/json", strings.NewReader(`{"duration_ms": 10500}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("press: HTTP %d", resp.StatusCode)
	}
	t.Logf("a simulated 10.5 s press took %v of real time", time.Since(began).Round(time.Millisecond))

	// The press applies its action before answering; poll briefly anyway.
	var found bool
	for i := 0; i < 50 && !found; i++ {
		var evs struct {
			Events []struct {
				Kind    string `json:"kind"`
				Message string `json:"message"`
			} `json:"events"`
		}
		getJSON(t, base+"/api/events", &evs)
		for _, e := range evs.Events {
			found = found || e.Kind == "button" && strings.Contains(e.Message, "first boot")
		}
		if !found {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if !found {
		t.Fatal("no button event after the 10.5 s press")
	}
	raw, err := os.ReadFile(settingsFile)
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		FirstBoot bool `json:"first_boot"`
		Network   struct {
			Mode, Address string
		} `json:"network"`
		Hash string `json:"admin_password_hash"`
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatal(err)
	}
	if !st.FirstBoot || st.Network.Mode != "dhcp" || st.Network.Address != "" || st.Hash != "" {
		t.Fatalf("settings not back to first boot: %s", raw)
	}
	b.stop(t)
}
