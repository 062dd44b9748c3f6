package ingest

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v5/pkg/auth"

	"skyguard/recorder/media"
	"skyguard/tools/fakecam"
)

// collector is a Sink that keeps every access unit.
type collector struct {
	mu  sync.Mutex
	aus []*media.AccessUnit
}

func (c *collector) WriteAccessUnit(au *media.AccessUnit) {
	c.mu.Lock()
	c.aus = append(c.aus, au)
	c.mu.Unlock()
}

func (c *collector) snapshot() []*media.AccessUnit {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*media.AccessUnit(nil), c.aus...)
}

// waitFor polls cond every 20 ms until it holds or the bound passes.
func waitFor(t *testing.T, what string, bound time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(bound)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", bound, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func testLogger(t *testing.T) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

func startFakecam(t *testing.T, opt fakecam.Options) *fakecam.Server {
	t.Helper()
	opt.Addr = "127.0.0.1:0"
	srv, err := fakecam.New(opt)
	if err != nil {
		t.Fatalf("start fakecam: %v", err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// runCamera starts Run and, at cleanup, cancels it and requires it to return.
func runCamera(t *testing.T, cfg Config, sink Sink) *Camera {
	t.Helper()
	cam := New(cfg, sink, testLogger(t))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cam.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run returned %v after cancel", err)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("Run did not return within 5s of cancel")
		}
		if st := cam.State(); st.Status != StatusStopped {
			t.Errorf("status after Run = %q, want stopped", st.Status)
		}
	})
	return cam
}

func isParamOrAUD(codec media.Codec, n []byte) bool {
	if codec == media.CodecH265 {
		t := (n[0] >> 1) & 0x3f
		return t >= 32 && t <= 35
	}
	t := n[0] & 0x1f
	return t == 7 || t == 8 || t == 9
}

// writeAnnexB writes frames as a decoder expects them: the parameter sets
// in force before every keyframe.
func writeAnnexB(t *testing.T, path string, aus []*media.AccessUnit) {
	t.Helper()
	var buf bytes.Buffer
	sc := []byte{0, 0, 0, 1}
	for _, au := range aus {
		if au.Key {
			for _, p := range [][]byte{au.Params.VPS, au.Params.SPS, au.Params.PPS} {
				if len(p) > 0 {
					buf.Write(sc)
					buf.Write(p)
				}
			}
		}
		for _, n := range au.NALUs {
			buf.Write(sc)
			buf.Write(n)
		}
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func requireFFmpeg(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("SKIPPING DECODE CHECK: %s not found on PATH (install Debian ffmpeg): %v", tool, err)
		}
	}
}

func TestPlayFromFakecam(t *testing.T) {
	cases := []struct {
		name, path, transport string
		codec                 media.Codec
		w, h                  int
		auth                  []auth.VerifyMethod
		frames                int
	}{
		// 110 frames crosses the 100-frame clip's loop point.
		{"h264-tcp", "/h264/main", "tcp", media.CodecH264, 1920, 1080, nil, 110},
		{"h264-udp", "/h264/main", "udp", media.CodecH264, 1920, 1080, nil, 30},
		{"h264-sub-auto", "/h264/sub", "auto", media.CodecH264, 704, 576, nil, 30},
		{"h265-tcp", "/h265/main", "tcp", media.CodecH265, 1920, 1080, nil, 60},
		{"h265-udp", "/h265/main", "udp", media.CodecH265, 1920, 1080, nil, 30},
		{"h264-basic-auth", "/h264/main", "tcp", media.CodecH264, 1920, 1080, []auth.VerifyMethod{auth.VerifyMethodBasic}, 30},
		{"h265-digest-auth", "/h265/main", "udp", media.CodecH265, 1920, 1080, []auth.VerifyMethod{auth.VerifyMethodDigestMD5}, 30},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			opt := fakecam.Options{}
			// No colon in the password: gortsplib's server rejects one in basic auth.
			if tc.auth != nil {
				opt.User, opt.Pass, opt.AuthMethods = "admin", "s3cret#1", tc.auth
			}
			srv := startFakecam(t, opt)
			sink := &collector{}
			url := fmt.Sprintf("rtsp://%s%s", srv.Addr(), tc.path)
			if tc.auth != nil {
				url = fmt.Sprintf("rtsp://admin:s3cret%%231@%s%s", srv.Addr(), tc.path)
			}
			cam := runCamera(t, Config{ID: tc.name, URL: url, Transport: tc.transport}, sink)
			waitFor(t, fmt.Sprintf("%d frames", tc.frames), 15*time.Second, func() bool {
				return len(sink.snapshot()) >= tc.frames
			})
			st := cam.State()
			aus := sink.snapshot()[:tc.frames]

			first := aus[0]
			if !first.Key || !first.NewRun {
				t.Fatalf("first AU key=%v newRun=%v, want both", first.Key, first.NewRun)
			}
			p := first.Params
			if !p.Complete() || p.Codec != tc.codec || p.Width != tc.w || p.Height != tc.h {
				t.Fatalf("first params %v %dx%d complete=%v, want %v %dx%d", p.Codec, p.Width, p.Height, p.Complete(), tc.codec, tc.w, tc.h)
			}
			keys := 0
			for i, au := range aus {
				for _, n := range au.NALUs {
					if len(n) == 0 || isParamOrAUD(tc.codec, n) {
						t.Fatalf("AU %d carries a parameter set/AUD/empty NALU", i)
					}
				}
				if au.Params != p {
					t.Fatalf("AU %d: params pointer changed on a stream that never changes them", i)
				}
				if au.Key {
					keys++
				}
				if i > 0 {
					if au.NewRun {
						t.Fatalf("AU %d: unexpected NewRun", i)
					}
					// The camera stamps frames at exactly 25 fps, across loops too.
					if d := au.PTS - aus[i-1].PTS; d != 40*time.Millisecond {
						t.Fatalf("AU %d: PTS step %v, want 40ms", i, d)
					}
					if au.Wall.Before(aus[i-1].Wall) {
						t.Fatalf("AU %d: wall clock went backwards", i)
					}
				}
			}
			if want := (tc.frames + 49) / 50; keys != want {
				t.Errorf("keyframes = %d, want %d (GOP 50)", keys, want)
			}
			if d := time.Since(first.Wall); d < 0 || d > 30*time.Second {
				t.Errorf("first wall clock %v is %v from now", first.Wall, d)
			}
			if st.Status != StatusStreaming || st.Codec != tc.codec.String() || st.Width != tc.w || st.Height != tc.h {
				t.Errorf("state %+v", st)
			}
			wantTransport := tc.transport
			if wantTransport == "auto" {
				wantTransport = "udp"
			}
			if st.Transport != wantTransport {
				t.Errorf("state transport %q, want %q", st.Transport, wantTransport)
			}
			if st.FPS < 15 || st.FPS > 40 || st.BitrateBps <= 0 || st.Frames < uint64(tc.frames) {
				t.Errorf("state rates: fps=%.1f bitrate=%.0f frames=%d", st.FPS, st.BitrateBps, st.Frames)
			}
			t.Logf("state: fps=%.1f bitrate=%.2f Mbit/s frames=%d", st.FPS, st.BitrateBps/1e6, st.Frames)

			requireFFmpeg(t)
			file := filepath.Join(t.TempDir(), "out.es")
			writeAnnexB(t, file, aus)
			demux := "h264"
			if tc.codec == media.CodecH265 {
				demux = "hevc"
			}
			out, err := exec.Command("ffmpeg", "-v", "error", "-f", demux, "-i", file, "-f", "null", "-").CombinedOutput()
			if err != nil || len(bytes.TrimSpace(out)) != 0 {
				t.Fatalf("ffmpeg decode of reassembled stream: err=%v output:\n%s", err, out)
			}
			out, err = exec.Command("ffprobe", "-v", "error", "-f", demux, "-count_frames", "-select_streams", "v:0",
				"-show_entries", "stream=width,height,nb_read_frames", "-of", "csv=p=0", file).CombinedOutput()
			if want := fmt.Sprintf("%d,%d,%d", tc.w, tc.h, tc.frames); err != nil || string(bytes.TrimSpace(out)) != want {
				t.Fatalf("ffprobe: err=%v got %q want %q", err, out, want)
			}
		})
	}
}
