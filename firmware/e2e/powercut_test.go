package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// maxLoss bounds what a power cut may cost per camera: up to 1 s of
// frames buffered in memory (the ring's MaxBuffered), up to 1 s not yet
// synced (its SyncInterval), and slack for a loaded 2-core machine.
const maxLoss = 2500 * time.Millisecond

// TestPowerCutLoop kills the recording box with SIGKILL at random moments,
// 20 times: every restart must find the ring consistent (fsck: every
// indexed record present with a valid CRC), lose at most maxLoss per
// camera, and record again.
func TestPowerCutLoop(t *testing.T) {
	requireTools(t, "ffmpeg", "ffprobe")
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	port := freePort(t, "tcp")
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	args := []string{"demo", "--data", data, "--listen", fmt.Sprintf("127.0.0.1:%d", port), "--size", "96MiB", "--slot-size", "4MiB"}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	began := time.Now()
	const cuts = 20
	var worst time.Duration
	var lastCut, recordedFrom time.Time
	// How many restarts found records past the last index commit: that
	// depends on where each cut fell between a write and the next commit.
	recoveredLogs := 0
	for i := 0; i < cuts; i++ {
		b := startBox(t, args...)
		b.waitHTTP(t, base, 30*time.Second)
		recoveredLogs += strings.Count(b.out.String(), "ring: recovered slot")
		if i > 0 {
			// What survived the previous cut, read before new frames land.
			worst = max(worst, checkLoss(t, b, began, lastCut, recordedFrom, i))
		}
		st := b.waitRecording(t, 30*time.Second)
		// Frames go to disk from the first keyframe on: a cut before that
		// costs nothing of this run.
		recordedFrom = *st.Cameras[0].LastRecorded
		for _, c := range st.Cameras[1:] {
			if c.LastRecorded.After(recordedFrom) {
				recordedFrom = *c.LastRecorded
			}
		}
		time.Sleep(time.Duration(200+rng.IntN(2800)) * time.Millisecond)
		lastCut = time.Now()
		b.kill()
		fsckClean(t, data, i)
	}
	b := startBox(t, args...)
	b.waitHTTP(t, base, 30*time.Second)
	recoveredLogs += strings.Count(b.out.String(), "ring: recovered slot")
	worst = max(worst, checkLoss(t, b, began, lastCut, recordedFrom, cuts))
	b.waitRecording(t, 30*time.Second)
	t.Logf("%d power cuts: worst loss per camera %s (bound %s)", cuts, worst, maxLoss)

	// The recoveries are on the record for the technician.
	var evs struct {
		Events []struct{ Kind, Message string } `json:"events"`
	}
	getJSON(t, base+"/api/events?limit=1000", &evs)
	recovered := 0
	for _, e := range evs.Events {
		if e.Kind == "recovered" {
			recovered++
		}
	}
	// Recoveries are on record for the technician (an event can itself be
	// lost to a cut before the next commit, so not one for one).
	if recoveredLogs > 0 && recovered == 0 {
		t.Errorf("%d recoveries logged but %d 'recovered' events: %+v", recoveredLogs, recovered, evs.Events)
	}
	t.Logf("%d of %d restarts recovered records written after the last commit", recoveredLogs, cuts)

	// The oldest recorded range still exports and decodes.
	rec := b.recordings(t, "cam-h264", began.Add(-time.Minute), time.Now())
	if len(rec.Runs) < cuts/2 {
		t.Fatalf("only %d runs after %d restarts", len(rec.Runs), cuts)
	}
	r := rec.Runs[0]
	file := filepath.Join(dir, "oldest.mp4")
	download(t, fmt.Sprintf("%s/api/cameras/cam-h264/export.mp4?from=%s&to=%s", base, r.Start.UTC().Format(time.RFC3339Nano), r.End.UTC().Format(time.RFC3339Nano)), file)
	decodeClean(t, file)
	b.stop(t)
	fsckClean(t, data, cuts+1)
}

// checkLoss reports how much of each camera's recording between from and
// the cut was lost, failing past maxLoss.
func checkLoss(t *testing.T, b *box, began, cut, from time.Time, i int) time.Duration {
	t.Helper()
	var worst time.Duration
	for _, cam := range []string{"cam-h264", "cam-h265"} {
		rec := b.recordings(t, cam, began.Add(-time.Minute), cut)
		// A cut within the first second of a run may leave nothing of it
		// on disk yet: then the loss counts from the run's first frame.
		end := from
		if n := len(rec.Runs); n > 0 {
			end = rec.Runs[n-1].End
		}
		if end.Before(from) {
			end = from
		}
		loss := cut.Sub(end)
		if loss > maxLoss {
			t.Fatalf("cut %d: %s lost %s (last recorded %s, cut at %s), bound %s", i, cam, loss, end.Format(time.StampMilli), cut.Format(time.StampMilli), maxLoss)
		}
		worst = max(worst, loss)
	}
	return worst
}

// fsckClean runs the offline checker: it exits non-zero on any
// inconsistency between the index and the slots or any bad CRC.
func fsckClean(t *testing.T, data string, i int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, binPath, "fsck", "--data", data).CombinedOutput()
	if err != nil {
		t.Fatalf("after cut %d: fsck: %v\n%s", i, err, out)
	}
}
