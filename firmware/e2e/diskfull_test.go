package e2e

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// TestDiskFull records a tiny ring (4 slots of 4 MiB) well past its
// capacity: the oldest video is reclaimed, the newest is intact, the index
// stays consistent, and the oldest range still indexed exports and decodes.
func TestDiskFull(t *testing.T) {
	requireTools(t, "ffmpeg", "ffprobe")
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	port := freePort(t, "tcp")
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	b := startBox(t, "demo", "--data", data, "--listen", fmt.Sprintf("127.0.0.1:%d", port), "--size", "16MiB", "--slot-size", "4MiB")
	b.waitHTTP(t, base, 30*time.Second)
	b.waitRecording(t, 30*time.Second)
	began := time.Now()

	// The demo cameras send ~5.5 Mbit/s together: 16 MiB hold ~24 s, so
	// 60 s is well past capacity.
	var wrote uint64
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(2 * time.Second)
		st := b.status(t)
		if st.Storage.Used > st.Storage.Capacity {
			t.Fatalf("used %d > capacity %d", st.Storage.Used, st.Storage.Capacity)
		}
		if st.Storage.Fault != "" {
			t.Fatalf("storage fault while full: %s", st.Storage.Fault)
		}
	}
	st := b.status(t)
	var sd struct {
		Storage struct {
			BytesWritten uint64 `json:"bytes_written"`
		} `json:"storage"`
	}
	getJSON(t, base+"/api/status", &sd)
	wrote = sd.Storage.BytesWritten
	if wrote < uint64(2*st.Storage.Capacity) {
		t.Fatalf("wrote only %d bytes into a %d-byte ring: not well past capacity", wrote, st.Storage.Capacity)
	}
	if st.Storage.Oldest == nil || !st.Storage.Oldest.After(began.Add(10*time.Second)) {
		t.Fatalf("oldest %v: the oldest video was not reclaimed (recording began %s)", st.Storage.Oldest, began)
	}
	if st.Storage.Newest == nil || time.Since(*st.Storage.Newest) > 5*time.Second {
		t.Fatalf("newest %v is not recent: newest video lost", st.Storage.Newest)
	}
	for _, cam := range []string{"cam-h264", "cam-h265"} {
		rec := b.recordings(t, cam, began.Add(-time.Minute), time.Now().Add(time.Minute))
		if len(rec.Runs) == 0 {
			t.Fatalf("%s: nothing indexed", cam)
		}
		first, last := rec.Runs[0], rec.Runs[len(rec.Runs)-1]
		if time.Since(last.End) > 5*time.Second {
			t.Fatalf("%s: newest recording ends %s ago", cam, time.Since(last.End))
		}
		// The oldest still-indexed range plays.
		from, to := first.Start, first.Start.Add(4*time.Second)
		file := filepath.Join(dir, cam+"-oldest.mp4")
		download(t, fmt.Sprintf("%s/api/cameras/%s/export.mp4?from=%s&to=%s", base, cam, from.UTC().Format(time.RFC3339Nano), to.UTC().Format(time.RFC3339Nano)), file)
		decodeClean(t, file)
		// A range long gone answers 404, not garbage.
		gone := began.Add(-30 * time.Second)
		code := getJSON(t, fmt.Sprintf("%s/api/cameras/%s/export.mp4?from=%s&to=%s", base, cam, gone.UTC().Format(time.RFC3339Nano), gone.Add(5*time.Second).UTC().Format(time.RFC3339Nano)), nil)
		if code != 404 {
			t.Fatalf("%s: export of a never-recorded range: HTTP %d, want 404", cam, code)
		}
	}
	b.stop(t)
	fsckClean(t, data, 0)
}
