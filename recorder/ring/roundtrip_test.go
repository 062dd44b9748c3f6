package ring

import (
	"context"
	"testing"
	"time"
)

func TestRoundTrip(t *testing.T) {
	dir := formatTest(t, 4, 4<<20)
	s := openTest(t, dir)
	a, b := newFeed(t, 1, 3000), newFeed(t, 2, 2000)
	// Camera a: 6 s, 3 s pause with a reconnect, 4 s, then a reconnect
	// without pause. Camera b: 8 s straight, interleaved.
	for i := 0; i < 150; i++ {
		appendN(t, s, "a", a, 1)
		appendN(t, s, "b", b, 1)
	}
	a.pause(3 * time.Second)
	appendN(t, s, "a", a, 100)
	a.pause(0)
	appendN(t, s, "a", a, 60)
	appendN(t, s, "b", b, 50)
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}

	s = openTest(t, dir)
	defer s.Close()
	if got := s.Cameras(); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Fatalf("cameras = %v", got)
	}
	runs, err := s.Runs("a", testT0.Add(-time.Hour), testT0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 3 {
		t.Fatalf("camera a: %d runs, want 3: %+v", len(runs), runs)
	}
	if !runs[0].Start.Equal(testT0) || runs[0].End.Sub(runs[0].Start) != 6*time.Second {
		t.Errorf("run 0 = %v..%v", runs[0].Start, runs[0].End)
	}
	if gap := runs[1].Start.Sub(runs[0].End); gap != 3*time.Second {
		t.Errorf("gap between runs 0 and 1 = %v, want 3s", gap)
	}
	if runs[0].Width != 1920 || runs[0].Codec.String() != "H264" {
		t.Errorf("run params = %+v", runs[0])
	}
	runsB, _ := s.Runs("b", testT0.Add(-time.Hour), testT0.Add(time.Hour))
	if len(runsB) != 1 || runsB[0].End.Sub(runsB[0].Start) != 8*time.Second {
		t.Fatalf("camera b runs = %+v", runsB)
	}

	// Whole recording of a, byte for byte.
	c, err := s.Clip("a", testT0.Add(-time.Minute), testT0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Samples) != 310 {
		t.Fatalf("clip has %d samples, want 310", len(c.Samples))
	}
	checkClip(t, c, a)
	if c.Samples[0].Dur != 40*time.Millisecond || !c.Samples[0].Key {
		t.Errorf("first sample = %+v", c.Samples[0])
	}
	// A range inside a GOP starts at that GOP's keyframe and stops at to.
	c, err = s.Clip("b", testT0.Add(3*time.Second), testT0.Add(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Start.Equal(testT0.Add(2*time.Second)) || !c.Samples[0].Key {
		t.Errorf("clip start %v, want the keyframe at +2s", c.Start)
	}
	if last := c.Start.Add(c.Samples[len(c.Samples)-1].PTS); !last.Equal(testT0.Add(5 * time.Second)) {
		t.Errorf("clip last frame at %v, want +5s", last)
	}
	if len(c.Samples) != 76 {
		t.Errorf("clip has %d samples, want 76", len(c.Samples))
	}
	for i := 1; i < len(c.Samples); i++ {
		if c.Samples[i].PTS-c.Samples[i-1].PTS != c.Samples[i-1].Dur {
			t.Fatalf("sample %d: PTS %v after %v+%v", i, c.Samples[i].PTS, c.Samples[i-1].PTS, c.Samples[i-1].Dur)
		}
	}
	checkClip(t, c, b)
	if _, err := s.Clip("a", testT0.Add(7*time.Second), testT0.Add(8*time.Second)); !isNotFound(err) {
		t.Errorf("clip in the gap: err = %v, want ErrNotFound", err)
	}
	mustVerifyClean(t, s)
}

// TestRunLoop drives the sync loop: records become visible without Close.
func TestRunLoop(t *testing.T) {
	dir := formatTest(t, 4, 2<<20)
	s, err := Open(dir, Options{Logger: testLogger(t), SyncInterval: 20 * time.Millisecond, MaxBuffered: maxRecordDur})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	f := newFeed(t, 3, 1000)
	appendN(t, s, "cam", f, 120)
	deadline := time.Now().Add(5 * time.Second)
	for {
		runs, _ := s.Runs("cam", testT0, testT0.Add(time.Hour))
		if len(runs) == 1 && runs[0].End.Sub(runs[0].Start) >= 4*time.Second {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("records not committed by the sync loop: %+v", runs)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	if st := s.Stats(); st.Syncs == 0 || st.RecordsWritten != 3 {
		t.Errorf("stats = %+v", st)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openTest(t, dir)
	defer s.Close()
	c, err := s.Clip("cam", testT0, testT0.Add(time.Hour))
	if err != nil || len(c.Samples) != 120 {
		t.Fatalf("clip after reopen: %v, %d samples", err, len(c.Samples))
	}
	checkClip(t, c, f)
}
