package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "skyguard-e2e-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "skyguard")
	cmd := exec.Command("go", "build", "-o", binPath, "skyguard/firmware/cmd/skyguard")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build skyguard: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// requireTools fails (in CI) or skips loudly (elsewhere) when a tool the
// test drives is missing: `make test` installs them.
func requireTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err == nil {
			continue
		}
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed: `make test` (tools/testdeps/install.sh) should have installed it", tool)
		}
		t.Skipf("SKIPPED LOUDLY: %s is not installed; run `make test-deps` (tools/testdeps/install.sh)", tool)
	}
}

func requireGst(t *testing.T) {
	t.Helper()
	requireTools(t, "ffmpeg", "ffprobe", "/usr/bin/python3")
	cmd := exec.Command("/usr/bin/python3", "-c", `import gi; gi.require_version("GstRtspServer", "1.0"); from gi.repository import GstRtspServer`)
	if out, err := cmd.CombinedOutput(); err != nil {
		msg := fmt.Sprintf("GStreamer RTSP server (python3-gi, gir1.2-gst-rtsp-server-1.0) missing: %v %s", err, out)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip("SKIPPED LOUDLY: " + msg)
	}
}

func freePort(t *testing.T, network string) int {
	t.Helper()
	switch network {
	case "udp":
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.LocalAddr().(*net.UDPAddr).Port
	default:
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return l.Addr().(*net.TCPAddr).Port
	}
}

// encodeClip makes a camera-like clip with a real encoder: 25 fps, GOP 50,
// no B-frames, parameter sets in band so looping stays clean.
func encodeClip(t *testing.T, dir, codec string, w, h int, seconds int) string {
	t.Helper()
	out := filepath.Join(dir, fmt.Sprintf("%s-%dx%d.mp4", codec, w, h))
	src := fmt.Sprintf("testsrc2=size=%dx%d:rate=25", w, h)
	args := []string{"-v", "error", "-y", "-f", "lavfi", "-i", src, "-t", strconv.Itoa(seconds), "-pix_fmt", "yuv420p", "-g", "50", "-bf", "0"}
	switch codec {
	case "h264":
		args = append(args, "-c:v", "libx264", "-preset", "ultrafast", "-profile:v", "high", "-b:v", "3500k", "-x264-params", "repeat-headers=1:keyint=50:min-keyint=50:scenecut=0")
	case "h265":
		args = append(args, "-c:v", "libx265", "-preset", "ultrafast", "-b:v", "2M", "-tag:v", "hvc1", "-x265-params", "repeat-headers=1:keyint=50:min-keyint=50:bframes=0:scenecut=0:log-level=error")
	default:
		t.Fatalf("unknown codec %s", codec)
	}
	args = append(args, out)
	if b, err := exec.Command("ffmpeg", args...).CombinedOutput(); err != nil {
		t.Fatalf("encode %s: %v\n%s", codec, err, b)
	}
	return out
}

// proc is a child process whose output goes to the test log on failure.
type proc struct {
	name string
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
	err  error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startProc(t *testing.T, name string, argv ...string) *proc {
	t.Helper()
	p := &proc{name: name, out: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(argv[0], argv[1:]...)
	p.cmd.Stdout = p.out
	p.cmd.Stderr = p.out
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("--- output of %s (last 6000 bytes) ---\n%s", name, tail(p.out.String(), 6000))
		}
	})
	return p
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// kill ends the process and its group at once (SIGKILL: a power cut).
func (p *proc) kill() {
	if p.cmd.Process != nil {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	}
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
	}
}

// stop asks for a clean stop and waits.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		t.Fatalf("%s did not stop within 20 s of SIGTERM", p.name)
	}
	if p.err != nil {
		t.Fatalf("%s exited with %v", p.name, p.err)
	}
}

// gstCamera is GStreamer's RTSP server re-serving clips fed by ffmpeg.
type gstCamera struct {
	port   int
	server *proc
	feeds  []*proc
	mounts []string
	args   []string
}

type gstMount struct {
	path, codec, clip string
}

func startGst(t *testing.T, mounts ...gstMount) *gstCamera {
	t.Helper()
	g := &gstCamera{port: freePort(t, "tcp")}
	args := []string{"/usr/bin/python3", "tools/gstrtsp/serve.py", "--port", strconv.Itoa(g.port)}
	var feeds [][]string
	for _, m := range mounts {
		udp := freePort(t, "udp")
		args = append(args, "--mount", fmt.Sprintf("%s=%s:%d", m.path, strings.ToUpper(m.codec), udp))
		feeds = append(feeds, []string{"ffmpeg", "-v", "error", "-re", "-stream_loop", "-1", "-i", m.clip, "-c", "copy", "-f", "rtp", fmt.Sprintf("rtp://127.0.0.1:%d?pkt_size=1200", udp)})
	}
	args[1] = filepath.Join(repoRoot(t), args[1])
	g.args = args
	g.start(t)
	for i, f := range feeds {
		g.feeds = append(g.feeds, startProc(t, "ffmpeg-feed-"+mounts[i].path, f...))
	}
	return g
}

func (g *gstCamera) start(t *testing.T) {
	t.Helper()
	g.server = startProc(t, "gst-rtsp-server", g.args...)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(g.server.out.String(), "ready ") {
			return
		}
		select {
		case <-g.server.done:
			t.Fatalf("gst rtsp server exited: %v\n%s", g.server.err, g.server.out.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatalf("gst rtsp server not ready in 20 s:\n%s", g.server.out.String())
}

func (g *gstCamera) url(path string) string {
	return fmt.Sprintf("rtsp://127.0.0.1:%d%s", g.port, path)
}

func repoRoot(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := wd; d != "/"; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
	}
	t.Fatal("go.mod not found above " + wd)
	return ""
}

// box is a running `skyguard` daemon.
type box struct {
	*proc
	base string
}

func startBox(t *testing.T, args ...string) *box {
	t.Helper()
	p := startProc(t, "skyguard "+args[0], append([]string{binPath}, args...)...)
	return &box{proc: p}
}

func (b *box) waitHTTP(t *testing.T, base string, within time.Duration) {
	t.Helper()
	b.base = base
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/api/status")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		select {
		case <-b.done:
			t.Fatalf("skyguard exited early: %v\n%s", b.err, tail(b.out.String(), 4000))
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatalf("skyguard http not up within %s", within)
}

type camStatus struct {
	ID           string     `json:"id"`
	Status       string     `json:"status"`
	Codec        string     `json:"codec"`
	Width        int        `json:"width"`
	Height       int        `json:"height"`
	FPS          float64    `json:"fps"`
	LastError    string     `json:"last_error"`
	LastRecorded *time.Time `json:"last_recorded"`
}

type statusDoc struct {
	Storage struct {
		Capacity int64      `json:"capacity_bytes"`
		Used     int64      `json:"used_bytes"`
		Oldest   *time.Time `json:"oldest"`
		Newest   *time.Time `json:"newest"`
		Fault    string     `json:"fault"`
	} `json:"storage"`
	Cameras []camStatus `json:"cameras"`
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if v != nil && resp.StatusCode == 200 {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("GET %s: decode: %v\n%s", url, err, b)
		}
	}
	return resp.StatusCode
}

func (b *box) status(t *testing.T) statusDoc {
	t.Helper()
	var s statusDoc
	if code := getJSON(t, b.base+"/api/status", &s); code != 200 {
		t.Fatalf("status: HTTP %d", code)
	}
	return s
}

// waitRecording waits until every camera streams and has frames on disk.
func (b *box) waitRecording(t *testing.T, within time.Duration) statusDoc {
	t.Helper()
	deadline := time.Now().Add(within)
	var s statusDoc
	for time.Now().Before(deadline) {
		s = b.status(t)
		ok := len(s.Cameras) > 0
		for _, c := range s.Cameras {
			if c.Status != "streaming" || c.LastRecorded == nil {
				ok = false
			}
		}
		if ok {
			return s
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("cameras not all recording within %s: %+v", within, s.Cameras)
	return s
}

type recDoc struct {
	Runs []struct {
		Start  time.Time `json:"start"`
		End    time.Time `json:"end"`
		Codec  string    `json:"codec"`
		Width  int       `json:"width"`
		Height int       `json:"height"`
	} `json:"runs"`
	Gaps []struct {
		Start time.Time `json:"start"`
		End   time.Time `json:"end"`
	} `json:"gaps"`
}

func (b *box) recordings(t *testing.T, cam string, from, to time.Time) recDoc {
	t.Helper()
	var d recDoc
	u := fmt.Sprintf("%s/api/cameras/%s/recordings?from=%s&to=%s", b.base, cam, from.UTC().Format(time.RFC3339Nano), to.UTC().Format(time.RFC3339Nano))
	if code := getJSON(t, u, &d); code != 200 {
		t.Fatalf("recordings %s: HTTP %d", cam, code)
	}
	return d
}

// download saves url to path and returns the response headers.
func download(t *testing.T, url, path string) http.Header {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: HTTP %d: %s", url, resp.StatusCode, b)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := io.Copy(f, resp.Body); err != nil {
		t.Fatalf("download %s: %v", url, err)
	}
	return resp.Header
}

type probeStream struct {
	CodecName string `json:"codec_name"`
	Width     int    `json:"width"`
	Height    int    `json:"height"`
	NbFrames  string `json:"nb_frames"`
	Duration  string `json:"duration"`
}

type probeDoc struct {
	Streams []probeStream `json:"streams"`
	Format  struct {
		Duration string            `json:"duration"`
		Tags     map[string]string `json:"tags"`
	} `json:"format"`
}

func ffprobe(t *testing.T, file string) probeDoc {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-print_format", "json", "-show_streams", "-show_format", file).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", file, err)
	}
	var d probeDoc
	if err := json.Unmarshal(out, &d); err != nil {
		t.Fatalf("ffprobe %s: %v", file, err)
	}
	if len(d.Streams) != 1 {
		t.Fatalf("ffprobe %s: %d streams, want 1", file, len(d.Streams))
	}
	return d
}

// decodeClean runs a full decode and fails on any message ffmpeg prints.
func decodeClean(t *testing.T, file string) {
	t.Helper()
	cmd := exec.Command("ffmpeg", "-v", "error", "-i", file, "-f", "null", "-")
	out, err := cmd.CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Fatalf("ffmpeg decode of %s not clean: %v\n%s", file, err, tail(string(out), 3000))
	}
}

func parseSeconds(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("bad duration %q", s)
	}
	return f
}

// run runs a command to completion and returns its output, failing on error.
func run(t *testing.T, ctx context.Context, argv ...string) string {
	t.Helper()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	return string(out)
}
