package ring

import (
	"testing"
	"time"
)

// TestSplitRecords: with the default MaxBuffered of 1 s, a 2 s GOP goes to
// disk as a keyframe record and a continuation record, so a power cut
// loses at most ~1 s of buffered frames plus one sync interval; a clip from
// the middle of the GOP still starts at its keyframe, byte for byte.
func TestSplitRecords(t *testing.T) {
	dir := formatTest(t, 4, 4<<20)
	s, err := Open(dir, Options{Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	f := newFeed(t, 3, 2000)
	appendN(t, s, "cam", f, 200) // 4 GOPs of 2 s
	if err := s.Flush("cam"); err != nil {
		t.Fatal(err)
	}
	if err := s.Sync(); err != nil {
		t.Fatal(err)
	}
	if got := s.Stats().RecordsWritten; got != 8 {
		t.Fatalf("%d records for 4 GOPs of 2 s, want 8 (one keyframe and one continuation record each)", got)
	}
	// 2.5 s is in the continuation half of the second GOP (2 s..4 s).
	c, err := s.Clip("cam", testT0.Add(2500*time.Millisecond), testT0.Add(3500*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Start.Equal(testT0.Add(2*time.Second)) || !c.Samples[0].Key {
		t.Fatalf("clip starts at %s (key %v), want the GOP's keyframe at +2s", c.Start.Sub(testT0), c.Samples[0].Key)
	}
	if len(c.Samples) != 38 { // 2.0 s .. 3.5 s inclusive at 25 fps
		t.Fatalf("%d samples, want 38", len(c.Samples))
	}
	checkClip(t, c, f)
	runs, err := s.Runs("cam", testT0, testT0.Add(time.Minute))
	if err != nil || len(runs) != 1 || runs[0].End.Sub(runs[0].Start) != 8*time.Second {
		t.Fatalf("runs %+v, %v: want one 8 s run", runs, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	rep, err := Fsck(dir, FsckOptions{Logger: testLogger(t)})
	if err != nil || !rep.Clean() {
		t.Fatalf("fsck: %+v %v", rep, err)
	}
}
