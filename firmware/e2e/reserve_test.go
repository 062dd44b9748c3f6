package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestRTSPReserve runs `skyguard demo` with its RTSP re-serve on a free
// port and pulls each camera stream from it with ffprobe and ffmpeg, as an
// NVR or the county would: the right codec and size, and a recording that
// decodes without a single error.
func TestRTSPReserve(t *testing.T) {
	requireTools(t, "ffmpeg", "ffprobe")
	dir := t.TempDir()
	httpPort, rtspPort := freePort(t, "tcp"), freePort(t, "tcp")
	b := startBox(t, "demo", "--data", filepath.Join(dir, "data"), "--size", "256MiB", "--slot-size", "16MiB",
		"--listen", "127.0.0.1:"+strconv.Itoa(httpPort), "--rtsp-listen", "127.0.0.1:"+strconv.Itoa(rtspPort))
	b.waitHTTP(t, fmt.Sprintf("http://127.0.0.1:%d", httpPort), 30*time.Second)
	b.waitRecording(t, 60*time.Second)

	for _, tc := range []struct {
		path          string
		codec         string
		width, height int
	}{
		{"/cam-h264/main", "h264", 1920, 1080},
		{"/cam-h265/main", "hevc", 1920, 1080},
		{"/cam-h264/sub", "h264", 704, 576},
	} {
		t.Run(tc.path[1:], func(t *testing.T) {
			url := fmt.Sprintf("rtsp://127.0.0.1:%d%s", rtspPort, tc.path)
			ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
			defer cancel()
			p := ffprobe(t, url)
			if s := p.Streams[0]; s.CodecName != tc.codec || s.Width != tc.width || s.Height != tc.height {
				t.Fatalf("ffprobe %s: %s %dx%d, want %s %dx%d", url, s.CodecName, s.Width, s.Height, tc.codec, tc.width, tc.height)
			}
			out := filepath.Join(dir, filepath.Base(filepath.Dir(tc.path))+"-"+filepath.Base(tc.path)+".mp4")
			run(t, ctx, "ffmpeg", "-v", "error", "-y", "-rtsp_transport", "tcp", "-i", url, "-t", "6", "-c", "copy", out)
			decodeClean(t, out)
			got := ffprobe(t, out)
			if s := got.Streams[0]; s.CodecName != tc.codec || s.Width != tc.width || s.Height != tc.height {
				t.Fatalf("pulled %s: %s %dx%d", out, s.CodecName, s.Width, s.Height)
			}
			if d := parseSeconds(t, got.Format.Duration); d < 4 || d > 8 {
				t.Fatalf("pulled %s lasts %.2f s, want about 6", out, d)
			}
		})
	}
	b.stop(t)
}
