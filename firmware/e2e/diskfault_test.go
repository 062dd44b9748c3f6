package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// faultDoc is the part of /api/status this test reads.
type faultDoc struct {
	Storage struct {
		State string `json:"state"`
		Fault string `json:"fault"`
	} `json:"storage"`
	Cameras []struct {
		ID           string     `json:"id"`
		Status       string     `json:"status"`
		Frames       uint64     `json:"frames"`
		LastRecorded *time.Time `json:"last_recorded"`
	} `json:"cameras"`
	Disk *struct {
		State  string `json:"state"`
		Reason string `json:"reason"`
	} `json:"disk"`
}

// TestDataFolderVanishes removes the data folder under the running box:
// the cameras keep streaming, storage shows the fault within seconds, and
// when the same volume comes back (a backup of it copied in, as a disk
// re-mounted) recording resumes by itself, with the time down a gap on
// the timeline.
func TestDataFolderVanishes(t *testing.T) {
	requireTools(t, "cp")
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	backup := filepath.Join(dir, "backup")
	port := freePort(t, "tcp")
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	args := []string{"demo", "--data", data, "--listen", fmt.Sprintf("127.0.0.1:%d", port), "--size", "32MiB", "--slot-size", "4MiB"}

	// First run formats the volume and records a little; a clean stop,
	// then the volume is saved: the disk as it will be re-mounted.
	b := startBox(t, args...)
	b.waitHTTP(t, base, 30*time.Second)
	b.waitRecording(t, 30*time.Second)
	time.Sleep(3 * time.Second)
	b.stop(t)
	if out, err := exec.Command("cp", "-a", data, backup).CombinedOutput(); err != nil {
		t.Fatalf("cp -a: %v: %s", err, out)
	}

	b = startBox(t, args...)
	b.waitHTTP(t, base, 30*time.Second)
	b.waitRecording(t, 30*time.Second)
	time.Sleep(2 * time.Second)
	var doc faultDoc
	getJSON(t, base+"/api/status", &doc)
	if doc.Storage.State != "ok" || doc.Disk == nil || doc.Disk.State != "ok" {
		t.Fatalf("before the fault: storage %+v disk %+v", doc.Storage, doc.Disk)
	}

	if err := os.RemoveAll(data); err != nil {
		t.Fatal(err)
	}
	removed := time.Now()
	waitDoc(t, base, 15*time.Second, "storage fault", func(d faultDoc) bool { return d.Storage.State == "fault" && d.Storage.Fault != "" })
	t.Logf("fault shown after %s", time.Since(removed).Round(time.Millisecond))
	getJSON(t, base+"/api/status", &doc)
	frames := map[string]uint64{}
	for _, c := range doc.Cameras {
		frames[c.ID] = c.Frames
	}
	// Cameras stay live while the disk is gone.
	time.Sleep(3 * time.Second)
	getJSON(t, base+"/api/status", &doc)
	for _, c := range doc.Cameras {
		if c.Status != "streaming" || c.Frames <= frames[c.ID] {
			t.Fatalf("camera %s while the disk is gone: %s, frames %d -> %d", c.ID, c.Status, frames[c.ID], c.Frames)
		}
	}
	waitDoc(t, base, 30*time.Second, "disk health missing", func(d faultDoc) bool { return d.Disk != nil && d.Disk.State == "missing" })

	// The same volume is back.
	if out, err := exec.Command("cp", "-a", backup, data).CombinedOutput(); err != nil {
		t.Fatalf("cp -a back: %v: %s", err, out)
	}
	restored := time.Now()
	waitResumed(t, base, restored, 30*time.Second)
	t.Logf("recording resumed %s after the volume came back", time.Since(restored).Round(time.Millisecond))
	time.Sleep(3 * time.Second)
	for _, cam := range []string{"cam-h264", "cam-h265"} {
		rec := b.recordings(t, cam, removed.Add(-time.Hour), time.Now().Add(time.Minute))
		if len(rec.Runs) < 2 || len(rec.Gaps) == 0 {
			t.Fatalf("%s: runs %+v gaps %+v: want the saved run, a gap, and the resumed run", cam, rec.Runs, rec.Gaps)
		}
		last := rec.Runs[len(rec.Runs)-1]
		if last.Start.Before(removed) || last.End.Before(restored) {
			t.Fatalf("%s: last run %v..%v is not the resumed recording (removed %v, restored %v)", cam, last.Start, last.End, removed, restored)
		}
		gap := rec.Gaps[len(rec.Gaps)-1]
		if gap.End.Sub(gap.Start) < 3*time.Second {
			t.Fatalf("%s: gap %v..%v is shorter than the time down", cam, gap.Start, gap.End)
		}
	}
	b.stop(t)
}

// waitResumed waits until storage is ok again and every camera has
// recorded a frame newer than since.
func waitResumed(t *testing.T, base string, since time.Time, within time.Duration) {
	t.Helper()
	waitDoc(t, base, within, "recording resumed", func(d faultDoc) bool {
		if d.Storage.State != "ok" || len(d.Cameras) == 0 {
			return false
		}
		for _, c := range d.Cameras {
			if c.LastRecorded == nil || c.LastRecorded.Before(since) {
				return false
			}
		}
		return true
	})
}

func waitDoc(t *testing.T, base string, within time.Duration, what string, ok func(faultDoc) bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	var d faultDoc
	for time.Now().Before(deadline) {
		d = faultDoc{}
		getJSON(t, base+"/api/status", &d)
		if ok(d) {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s: not within %s; status %+v disk %+v", what, within, d.Storage, d.Disk)
}
