package e2e

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDiskFullFilesystem fills the data filesystem itself (a small tmpfs)
// under the running box, so the index can no longer grow: storage shows a
// "disk full" fault, disk health a free-space fault, the cameras keep
// streaming, and once space is freed recording resumes by itself with the
// time full a gap on the timeline.
func TestDiskFullFilesystem(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("SKIPPED LOUDLY: TestDiskFullFilesystem needs root to mount a tmpfs; the full-filesystem path is NOT tested in this run")
	}
	requireTools(t, "mount", "umount")
	mnt := filepath.Join(t.TempDir(), "mnt")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	// 80 MiB: the 32 MiB ring leaves ~48 MiB, under the 256 MiB warning
	// mark and over the 32 MiB fault mark, until the filler takes it.
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=80m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("SKIPPED LOUDLY: cannot mount a tmpfs (%v: %s); the full-filesystem path is NOT tested in this run", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { // runs after the box is stopped (cleanups run last-first)
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Logf("umount %s: %v: %s; detaching it lazily", mnt, err, out)
			_ = exec.Command("umount", "-l", mnt).Run()
		}
	})
	data := filepath.Join(mnt, "data")
	port := freePort(t, "tcp")
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	b := startBox(t, "demo", "--data", data, "--listen", fmt.Sprintf("127.0.0.1:%d", port), "--size", "32MiB", "--slot-size", "4MiB")
	b.waitHTTP(t, base, 30*time.Second)
	b.waitRecording(t, 30*time.Second)
	waitDoc(t, base, 30*time.Second, "disk health warning: little free space", func(d faultDoc) bool {
		return d.Storage.State == "ok" && d.Disk != nil && d.Disk.State == "warning" && strings.Contains(d.Disk.Reason, "nearly full")
	})

	// Take every byte left: big writes, then small ones for the tail.
	filler := filepath.Join(mnt, "filler")
	filled := fill(t, filler)
	t.Logf("filler took %d MiB", filled>>20)
	full := time.Now()
	waitDoc(t, base, 120*time.Second, "storage fault: disk full", func(d faultDoc) bool {
		return d.Storage.State == "fault" && strings.Contains(d.Storage.Fault, "disk full")
	})
	t.Logf("disk full shown after %s", time.Since(full).Round(time.Millisecond))
	var shown faultDoc
	getJSON(t, base+"/api/status", &shown)
	t.Logf("storage fault: %s", shown.Storage.Fault)
	waitDoc(t, base, 30*time.Second, "disk health fault: disk full", func(d faultDoc) bool {
		return d.Disk != nil && d.Disk.State == "fault" && strings.Contains(d.Disk.Reason, "disk full")
	})

	// Cameras stay live while nothing can be recorded.
	var doc faultDoc
	getJSON(t, base+"/api/status", &doc)
	frames := map[string]uint64{}
	for _, c := range doc.Cameras {
		frames[c.ID] = c.Frames
	}
	time.Sleep(3 * time.Second)
	getJSON(t, base+"/api/status", &doc)
	if doc.Storage.State != "fault" {
		t.Fatalf("storage recovered with the disk still full: %+v", doc.Storage)
	}
	for _, c := range doc.Cameras {
		if c.Status != "streaming" || c.Frames <= frames[c.ID] {
			t.Fatalf("camera %s while the disk is full: %s, frames %d -> %d", c.ID, c.Status, frames[c.ID], c.Frames)
		}
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	freed := time.Now()
	waitResumed(t, base, freed, 45*time.Second)
	t.Logf("recording resumed %s after space was freed", time.Since(freed).Round(time.Millisecond))
	waitDoc(t, base, 30*time.Second, "disk health back to warning", func(d faultDoc) bool {
		return d.Disk != nil && d.Disk.State == "warning"
	})
	time.Sleep(3 * time.Second)
	for _, cam := range []string{"cam-h264", "cam-h265"} {
		rec := b.recordings(t, cam, full.Add(-time.Hour), time.Now().Add(time.Minute))
		if len(rec.Runs) < 2 || len(rec.Gaps) == 0 {
			t.Fatalf("%s: runs %+v gaps %+v: want recording, a gap while full, and the resumed run", cam, rec.Runs, rec.Gaps)
		}
		last := rec.Runs[len(rec.Runs)-1]
		if last.End.Before(freed) {
			t.Fatalf("%s: last run %v..%v ends before space was freed at %v", cam, last.Start, last.End, freed)
		}
		gap := rec.Gaps[len(rec.Gaps)-1]
		if gap.End.Sub(gap.Start) < 3*time.Second || gap.End.Before(full) {
			t.Fatalf("%s: gap %v..%v is not the time full (filled %v, freed %v)", cam, gap.Start, gap.End, full, freed)
		}
	}
	b.stop(t)
}

// fill writes path until its filesystem has no room left (bounded) and
// returns how many bytes it took.
func fill(t *testing.T, path string) int64 {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var n int64
	for _, size := range []int{1 << 20, 4 << 10} {
		buf := make([]byte, size)
		for i := 0; i < 1024; i++ { // 1 GiB / 4 MiB at most: more than the tmpfs holds
			w, err := f.Write(buf)
			n += int64(w)
			if errors.Is(err, syscall.ENOSPC) {
				break
			}
			if err != nil {
				t.Fatalf("fill %s: %v", path, err)
			}
		}
	}
	return n
}
