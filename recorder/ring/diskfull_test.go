package ring

import (
	"testing"
	"time"
)

func TestDiskFullReclaimsOldest(t *testing.T) {
	dir := formatTest(t, 4, 1<<20)
	s := openTest(t, dir)
	defer s.Close()
	a, b := newFeed(t, 10, 3000), newFeed(t, 11, 3000)
	// First 4 s of camera a, committed, and a clip of it taken now.
	for i := 0; i < 100; i++ {
		appendN(t, s, "a", a, 1)
		appendN(t, s, "b", b, 1)
	}
	appendN(t, s, "a", a, 1) // closes a's second GOP
	if err := s.Sync(); err != nil {
		t.Fatal(err)
	}
	early, err := s.Clip("a", testT0, testT0.Add(time.Second))
	if err != nil {
		t.Fatalf("early clip: %v", err)
	}
	checkClip(t, early, a)

	// About 30 MB through 4 MiB of slots.
	for i := 0; i < 2500; i++ {
		appendN(t, s, "a", a, 1)
		appendN(t, s, "b", b, 1)
		if i%100 == 0 {
			if err := s.Sync(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := s.Flush("a"); err != nil {
		t.Fatal(err)
	}
	if err := s.Flush("b"); err != nil {
		t.Fatal(err)
	}
	if err := s.Sync(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, early.Samples[0].Size)
	if _, err := early.Data.ReadAt(buf, 0); !isGone(err) {
		t.Fatalf("read of a clip whose slot was reused: err = %v, want ErrGone", err)
	}
	if _, err := s.Clip("a", testT0, testT0.Add(time.Second)); !isNotFound(err) {
		t.Fatalf("clip of overwritten range: err = %v, want ErrNotFound", err)
	}
	st := s.Stats()
	if st.FreeSlots != 0 || st.BytesWritten < 3*st.Capacity {
		t.Fatalf("stats = %+v", st)
	}
	rep := mustVerifyClean(t, s)
	t.Logf("after wrap: %+v, report %+v", st, rep)

	for _, f := range []struct {
		cam  string
		feed *feed
	}{{"a", a}, {"b", b}} {
		runs, err := s.Runs(f.cam, testT0, testT0.Add(time.Hour))
		if err != nil || len(runs) != 1 {
			t.Fatalf("%s runs = %+v, %v", f.cam, runs, err)
		}
		// The newest data is intact: it ends with the last frame sent.
		if want := f.feed.wall; !runs[0].End.Equal(want) {
			t.Errorf("%s: newest recorded %v, want %v", f.cam, runs[0].End, want)
		}
		// The oldest still-indexed range plays.
		c, err := s.Clip(f.cam, runs[0].Start, runs[0].Start.Add(3*time.Second))
		if err != nil {
			t.Fatalf("%s oldest clip: %v", f.cam, err)
		}
		checkClip(t, c, f.feed)
		c, err = s.Clip(f.cam, runs[0].End.Add(-3*time.Second), runs[0].End)
		if err != nil {
			t.Fatalf("%s newest clip: %v", f.cam, err)
		}
		checkClip(t, c, f.feed)
		if last := c.Start.Add(c.Samples[len(c.Samples)-1].PTS); !last.Equal(f.feed.wall.Add(-40 * time.Millisecond)) {
			t.Errorf("%s: last frame at %v, want %v", f.cam, last, f.feed.wall.Add(-40*time.Millisecond))
		}
	}
}
