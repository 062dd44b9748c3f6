package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLiveViewInChromium: `skyguard run` records a real RTSP peer and
// headless Chromium plays it live at /live/{id} over WebRTC (WHEP):
// frames decode at the camera's size and /api/status counts the viewer.
func TestLiveViewInChromium(t *testing.T) {
	requireGst(t)
	lt := requireLivetest(t)
	dir := t.TempDir()
	h264 := encodeClip(t, dir, "h264", 1920, 1080, 4)
	g := startGst(t, gstMount{"/h264", "h264", h264})
	port := freePort(t, "tcp")
	cfg := writeConfig(t, dir, port, "256MiB", "16MiB", camCfg{"cam264", g.url("/h264")})
	// writeConfig puts live view on loopback with loopback candidates.
	b := startBox(t, "run", "--config", cfg)
	b.waitHTTP(t, fmt.Sprintf("http://127.0.0.1:%d", port), 30*time.Second)
	b.waitRecording(t, 40*time.Second)

	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join(lt, "livetest.mjs"), "check", b.base+"/live/cam264", "3")
	cmd.Dir = lt
	out, _ := cmd.Output()
	var r struct {
		OK      bool            `json:"ok"`
		Error   json.RawMessage `json:"error"`
		Harness string          `json:"harness"`
		Decoded int             `json:"decodedInWindow"`
		Last    struct {
			FrameWidth  int    `json:"frameWidth"`
			FrameHeight int    `json:"frameHeight"`
			Codec       string `json:"codec"`
		} `json:"last"`
	}
	if err := json.Unmarshal(out, &r); err != nil || !r.OK {
		t.Fatalf("Chromium did not play the box's live view: %v %s %s %s\n%s", err, out, r.Error, r.Harness, tail(b.out.String(), 3000))
	}
	t.Logf("Chromium decoded %d frames in 3 s, %dx%d %s", r.Decoded, r.Last.FrameWidth, r.Last.FrameHeight, r.Last.Codec)
	if r.Last.FrameWidth != 1920 || r.Last.FrameHeight != 1080 || r.Decoded < 30 {
		t.Errorf("decoded %d frames at %dx%d, want >= 30 at 1920x1080", r.Decoded, r.Last.FrameWidth, r.Last.FrameHeight)
	}
}

// requireLivetest finds node, Chromium and playwright-core (tools/livetest,
// installed by `make test-deps`): missing ones fail under CI=true and skip
// loudly otherwise.
func requireLivetest(t *testing.T) string {
	t.Helper()
	lt := filepath.Join(repoRoot(t), "tools", "livetest")
	var missing []string
	if _, err := exec.LookPath("node"); err != nil {
		missing = append(missing, "node")
	}
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		missing = append(missing, "/usr/bin/chromium (apt-get install chromium)")
	}
	if _, err := os.Stat(filepath.Join(lt, "node_modules", "playwright-core")); err != nil {
		missing = append(missing, "playwright-core (make livetest-deps)")
	}
	if len(missing) > 0 {
		msg := "SKIPPING live view e2e test: missing " + strings.Join(missing, ", ")
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return lt
}
