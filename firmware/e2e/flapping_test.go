package e2e

import (
	"fmt"
	"testing"
	"time"
)

// TestCameraFlapping: the RTSP source goes away and comes back; the gap
// shows in recordings and recording resumes without a restart of the box.
func TestCameraFlapping(t *testing.T) {
	requireGst(t)
	dir := t.TempDir()
	clip := encodeClip(t, dir, "h264", 1280, 720, 4)
	g := startGst(t, gstMount{"/cam", "h264", clip})
	port := freePort(t, "tcp")
	cfg := writeConfig(t, dir, port, "128MiB", "8MiB", camCfg{"flap", g.url("/cam")})
	b := startBox(t, "run", "--config", cfg)
	b.waitHTTP(t, fmt.Sprintf("http://127.0.0.1:%d", port), 30*time.Second)
	b.waitRecording(t, 40*time.Second)
	began := time.Now()
	time.Sleep(5 * time.Second)

	down := time.Now()
	g.server.kill()
	// The box notices: the camera is no longer streaming.
	deadline := time.Now().Add(20 * time.Second)
	for {
		st := b.status(t)
		if st.Cameras[0].Status != "streaming" {
			t.Logf("camera down seen: %s (%s)", st.Cameras[0].Status, st.Cameras[0].LastError)
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("camera still shown streaming 20 s after its server died")
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(6 * time.Second)
	up := time.Now()
	g.start(t)
	// Back without restarting the box (backoff is capped, so within ~40 s).
	deadline = time.Now().Add(60 * time.Second)
	for {
		st := b.status(t)
		if c := st.Cameras[0]; c.Status == "streaming" && c.LastRecorded != nil && c.LastRecorded.After(up) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("recording did not resume within 60 s: %+v", st.Cameras[0])
		}
		time.Sleep(300 * time.Millisecond)
	}
	time.Sleep(4 * time.Second)
	rec := b.recordings(t, "flap", began.Add(-time.Minute), time.Now())
	if len(rec.Runs) < 2 {
		t.Fatalf("want a run before and after the outage, got %+v", rec.Runs)
	}
	var found bool
	for _, gp := range rec.Gaps {
		if !gp.Start.After(up) && !gp.End.Before(down.Add(time.Second)) && gp.End.Sub(gp.Start) >= 5*time.Second {
			found = true
		}
	}
	if !found {
		t.Fatalf("no gap covering the outage %s..%s in %+v", down.Format(time.StampMilli), up.Format(time.StampMilli), rec.Gaps)
	}
	last := rec.Runs[len(rec.Runs)-1]
	if !last.Start.After(down) || time.Since(last.End) > 4*time.Second {
		t.Fatalf("last run %+v is not the resumed recording", last)
	}
	b.stop(t)
}
