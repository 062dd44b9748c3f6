package live

import (
	"sync"
	"testing"
	"time"
)

// Ten viewers plus one that never reads RTP: every reader keeps getting
// frames at the camera's rate, and the recorder's hub subscription (a
// consumer like the ring writer) drops nothing.
func TestTenViewersAndAStalledOne(t *testing.T) {
	e := newEnv(t, map[string][2]string{"cam1": {"/h264/main", ""}}, Options{MaxViewers: 20, MaxViewersPerCamera: 20})
	h := e.src["cam1"][0]
	rec := h.Subscribe(500) // what the recorder does

	stalled, code, body := dial(t, e.http.URL, "cam1", "", false)
	if code != 201 {
		t.Fatalf("stalled viewer: %d %s", code, body)
	}
	_ = stalled
	var viewers []*whepClient
	for i := 0; i < 10; i++ {
		c, code, body := dial(t, e.http.URL, "cam1", "", true)
		if code != 201 {
			t.Fatalf("viewer %d: %d %s", i, code, body)
		}
		viewers = append(viewers, c)
	}
	if n, _ := e.m.Viewers("cam1"); n != 11 {
		t.Fatalf("Viewers = %d, want 11", n)
	}
	// Drain the recorder subscription meanwhile, as the recorder would.
	recFrames := 0
	stopRec := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stopRec:
				return
			case _, ok := <-rec.C():
				if !ok {
					return
				}
				recFrames++
			}
		}
	}()
	// Each reader must get 8 s of video (200 frames at 25 fps) within a
	// generous bound; the catch-up GOP comes on top.
	const want = 200
	deadline := time.After(60 * time.Second)
	counts := make([]int, len(viewers))
	for i, c := range viewers {
		for counts[i] < want {
			select {
			case _, ok := <-c.frames:
				if !ok {
					t.Fatalf("viewer %d: track ended after %d frames", i, counts[i])
				}
				counts[i]++
			case <-deadline:
				t.Fatalf("viewers got %v frames within 60 s, want %d each", counts, want)
			}
		}
	}
	close(stopRec)
	wg.Wait()
	rec.Close()
	if d := rec.Dropped(); d != 0 {
		t.Errorf("recorder subscription dropped %d frames", d)
	}
	st := e.m.CameraStats("cam1")
	t.Logf("10 readers got >= %d frames each; recorder got %d frames, dropped 0; viewers %d, %.1f Mbit/s total, %d frames dropped for slow viewers",
		want, recFrames, st.Viewers, st.Bps/1e6, st.Dropped)
	if st.Bps <= 0 {
		t.Errorf("bit rate of viewers not measured: %v", st.Bps)
	}
}
