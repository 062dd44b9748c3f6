package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRecordRealPeerAndExport: clips from a real encoder, served by a real
// RTSP server we did not write, recorded by `skyguard run` for 20 s,
// exported over HTTP and by the CLI, checked by ffprobe and ffmpeg.
func TestRecordRealPeerAndExport(t *testing.T) {
	requireGst(t)
	dir := t.TempDir()
	h264 := encodeClip(t, dir, "h264", 1920, 1080, 4)
	h265 := encodeClip(t, dir, "h265", 1920, 1080, 4)
	g := startGst(t, gstMount{"/h264", "h264", h264}, gstMount{"/h265", "h265", h265})

	port := freePort(t, "tcp")
	cfg := writeConfig(t, dir, port, "256MiB", "16MiB", camCfg{"cam264", g.url("/h264")}, camCfg{"cam265", g.url("/h265")})
	out := run(t, context.Background(), binPath, "check-config", cfg)
	if !strings.Contains(out, "ok") {
		t.Fatalf("check-config: %s", out)
	}
	b := startBox(t, "run", "--config", cfg)
	b.waitHTTP(t, fmt.Sprintf("http://127.0.0.1:%d", port), 30*time.Second)
	st := b.waitRecording(t, 40*time.Second)
	began := time.Now()
	for _, c := range st.Cameras {
		if c.Width != 1920 || c.Height != 1080 {
			t.Errorf("camera %s: %dx%d, want 1920x1080", c.ID, c.Width, c.Height)
		}
	}
	time.Sleep(20 * time.Second)
	st = b.status(t)
	if st.Storage.Used <= 0 || st.Storage.Oldest == nil {
		t.Fatalf("storage shows nothing recorded: %+v", st.Storage)
	}

	want := map[string]string{"cam264": "h264", "cam265": "hevc"}
	for cam, codec := range want {
		rec := b.recordings(t, cam, began.Add(-time.Minute), time.Now().Add(time.Minute))
		if len(rec.Runs) == 0 {
			t.Fatalf("%s: no runs", cam)
		}
		last := rec.Runs[len(rec.Runs)-1]
		if span := last.End.Sub(last.Start); span < 15*time.Second {
			t.Fatalf("%s: last run only %s long: %+v", cam, span, rec.Runs)
		}
		// Export a 10 s range in the middle of the run.
		from := last.Start.Add(3 * time.Second)
		to := from.Add(10 * time.Second)
		file := filepath.Join(dir, cam+"-http.mp4")
		h := download(t, fmt.Sprintf("%s/api/cameras/%s/export.mp4?from=%s&to=%s", b.base, cam, from.UTC().Format(time.RFC3339Nano), to.UTC().Format(time.RFC3339Nano)), file)
		start, err := time.Parse(time.RFC3339Nano, h.Get("X-Recording-Start"))
		if err != nil {
			t.Fatalf("X-Recording-Start %q: %v", h.Get("X-Recording-Start"), err)
		}
		checkExport(t, file, codec, 1920, 1080, from, to, start)
		checkRange(t, fmt.Sprintf("%s/api/cameras/%s/export.mp4?from=%s&to=%s", b.base, cam, from.UTC().Format(time.RFC3339Nano), to.UTC().Format(time.RFC3339Nano)), file)
	}

	b.stop(t)
	// The CLI export reads the same ring once the daemon is stopped.
	file := filepath.Join(dir, "cli.mp4")
	from := began.Add(2 * time.Second)
	to := from.Add(8 * time.Second)
	out = run(t, context.Background(), binPath, "export", "--data", filepath.Join(dir, "data"), "--camera", "cam265", "--from", from.Format(time.RFC3339Nano), "--to", to.Format(time.RFC3339Nano), "-o", file)
	_, startS, ok := strings.Cut(strings.TrimSpace(out), " from ")
	start, err := time.Parse(time.RFC3339Nano, startS)
	if !ok || err != nil {
		t.Fatalf("export output %q names no start time", out)
	}
	checkExport(t, file, "hevc", 1920, 1080, from, to, start)
	out = run(t, context.Background(), binPath, "fsck", "--data", filepath.Join(dir, "data"))
	t.Logf("fsck: %s", out)
}

// checkExport asserts codec, size and a clean decode, and that the file
// spans the recording from the keyframe it starts at (start, at most one
// GOP before from) to the end of the range, within one frame.
func checkExport(t *testing.T, file, codec string, w, h int, from, to, start time.Time) {
	t.Helper()
	const frame = 40 * time.Millisecond
	if start.After(from) || from.Sub(start) > 2*time.Second+frame {
		t.Fatalf("%s: starts at %s, want the keyframe at or at most one GOP before %s", file, start.Format(time.StampMilli), from.Format(time.StampMilli))
	}
	p := ffprobe(t, file)
	s := p.Streams[0]
	if s.CodecName != codec || s.Width != w || s.Height != h {
		t.Fatalf("%s: %s %dx%d, want %s %dx%d", file, s.CodecName, s.Width, s.Height, codec, w, h)
	}
	d := time.Duration(parseSeconds(t, p.Format.Duration) * float64(time.Second))
	span := to.Sub(start)
	if diff := d - span; diff < -frame || diff > frame {
		t.Fatalf("%s: duration %s, recorded span %s..%s is %s: off by more than a frame", file, d, start.Format(time.StampMilli), to.Format(time.StampMilli), span)
	}
	var frames float64
	if _, err := fmt.Sscan(s.NbFrames, &frames); err != nil {
		t.Fatalf("%s: nb_frames %q", file, s.NbFrames)
	}
	// 25 fps cameras: no frames lost in the range (3% slack for the feed's
	// own timestamp jitter at its loop point).
	if want := d.Seconds() * 25; math.Abs(frames-want) > 0.03*want+1 {
		t.Fatalf("%s: %v frames in %s, want about %.0f", file, frames, d, want)
	}
	if _, ok := p.Format.Tags["creation_time"]; !ok {
		t.Errorf("%s: no creation_time tag (wall-clock start)", file)
	}
	decodeClean(t, file)
}

// checkRange fetches a byte range of the export and compares it with the
// same bytes of the whole file: players seek with Range requests.
func checkRange(t *testing.T, url, whole string) {
	t.Helper()
	full, err := os.ReadFile(whole)
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := len(full)/3, len(full)/3+100000
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", lo, hi))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(got, full[lo:hi+1]) {
		t.Fatalf("Range %d-%d: HTTP %d, %d bytes, equal to the file's: %v", lo, hi, resp.StatusCode, len(got), bytes.Equal(got, full[lo:hi+1]))
	}
}
