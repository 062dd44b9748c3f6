package live

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"skyguard/webui"
)

// livetestDir is tools/livetest, found from this file's directory.
func livetestDir(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "tools", "livetest")
}

// needBrowser finds node, chromium and playwright-core: a missing one
// fails under CI=true (tools/testdeps and `make test-deps` install them)
// and skips loudly otherwise.
func needBrowser(t testing.TB) string {
	t.Helper()
	dir := livetestDir(t)
	var missing []string
	if _, err := exec.LookPath("node"); err != nil {
		missing = append(missing, "node")
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		missing = append(missing, chromium+" (apt-get install chromium)")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "playwright-core", "package.json")); err != nil {
		missing = append(missing, "playwright-core (cd tools/livetest && npm ci --no-audit --no-fund)")
	}
	if len(missing) > 0 {
		msg := "SKIPPING the Chromium live view test: missing " + joinList(missing)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return dir
}

func joinList(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}

// runNode runs livetest.mjs with a timeout and decodes its JSON result.
func runNode(t testing.TB, dir string, timeout time.Duration, out any, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{filepath.Join(dir, "livetest.mjs")}, args...)...)
	cmd.Dir = dir
	var stderr limitedBuf
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("running node livetest.mjs: %v", err)
	}
	if jerr := json.Unmarshal(b, out); jerr != nil {
		t.Fatalf("livetest.mjs %v: %v; stdout %q stderr %q", args, err, b, stderr.String())
	}
}

type limitedBuf struct{ b []byte }

func (l *limitedBuf) Write(p []byte) (int, error) {
	if len(l.b) < 64<<10 {
		l.b = append(l.b, p...)
	}
	return len(p), nil
}
func (l *limitedBuf) String() string { return string(l.b) }

type checkResult struct {
	OK      bool            `json:"ok"`
	Error   json.RawMessage `json:"error"`
	Harness string          `json:"harness"`
	Stream  string          `json:"stream"`
	First   *browserStats   `json:"first"`
	Last    *browserStats   `json:"last"`
	Decoded int             `json:"decodedInWindow"`
	Var     float64         `json:"variance"`
}

type browserStats struct {
	FramesDecoded    int    `json:"framesDecoded"`
	KeyFramesDecoded int    `json:"keyFramesDecoded"`
	FrameWidth       int    `json:"frameWidth"`
	FrameHeight      int    `json:"frameHeight"`
	Codec            string `json:"codec"`
}

// pageServer serves the whole web UI (pages + WHEP) for the browser.
func pageServer(t testing.TB, e *env) string {
	srv := httptest.NewServer(webui.New(webui.Options{Live: e.m}).Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

// Headless Chromium plays the H.264 camera at /live/{id}: frames decode at
// the camera's rate and size and the picture is not blank.
func TestChromiumPlaysH264(t *testing.T) {
	dir := needBrowser(t)
	e := newEnv(t, map[string][2]string{"cam1": {"/h264/main", ""}}, Options{})
	base := pageServer(t, e)
	var r checkResult
	runNode(t, dir, 120*time.Second, &r, "check", base+"/live/cam1", "5")
	if !r.OK {
		t.Fatalf("Chromium did not play: %s %s", r.Error, r.Harness)
	}
	t.Logf("chromium: stream %s codec %s, %d frames decoded in 5 s, key frames %d, %dx%d, variance %.0f",
		r.Stream, r.Last.Codec, r.Decoded, r.Last.KeyFramesDecoded, r.Last.FrameWidth, r.Last.FrameHeight, r.Var)
	// 25 fps camera: at least 4x fps over the 5 s window.
	if r.Decoded < 100 {
		t.Errorf("decoded %d frames in 5 s, want >= 100", r.Decoded)
	}
	if r.Last.KeyFramesDecoded < 1 {
		t.Errorf("no keyframe decoded")
	}
	if r.Last.FrameWidth != 1920 || r.Last.FrameHeight != 1080 {
		t.Errorf("decoded %dx%d, want 1920x1080", r.Last.FrameWidth, r.Last.FrameHeight)
	}
	if r.Var < 20 {
		t.Errorf("sampled frame looks blank: luminance variance %.1f", r.Var)
	}
}

// Debian Chromium cannot decode H.265 over WebRTC and does not offer it:
// the box falls back to the camera's H.264 sub stream (704x576).
func TestChromiumH265FallsBackToSub(t *testing.T) {
	dir := needBrowser(t)
	e := newEnv(t, map[string][2]string{"cam2": {"/h265/main", "/h264/sub"}}, Options{})
	base := pageServer(t, e)
	var r checkResult
	runNode(t, dir, 120*time.Second, &r, "check", base+"/live/cam2", "3")
	if !r.OK {
		t.Fatalf("Chromium did not play: %s %s", r.Error, r.Harness)
	}
	t.Logf("chromium: stream %s codec %s, %d frames, %dx%d", r.Stream, r.Last.Codec, r.Decoded, r.Last.FrameWidth, r.Last.FrameHeight)
	if r.Stream != "sub" || r.Last.Codec != "video/H264" {
		t.Errorf("served stream %q codec %q, want sub video/H264", r.Stream, r.Last.Codec)
	}
	if r.Last.FrameWidth != 704 || r.Last.FrameHeight != 576 {
		t.Errorf("decoded %dx%d, want 704x576", r.Last.FrameWidth, r.Last.FrameHeight)
	}
	if r.Decoded < 25 {
		t.Errorf("decoded only %d frames in 3 s", r.Decoded)
	}
}
