package ring

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// writeOneSlot records 10 GOPs of one camera into one slot and closes.
func writeOneSlot(t *testing.T) (string, *feed, int, []recSpan) {
	t.Helper()
	dir := formatTest(t, 4, 4<<20)
	s := openTest(t, dir)
	f := newFeed(t, 21, 2000)
	appendN(t, s, "cam", f, 500)
	sl := s.cams["cam"].slot
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	sf, err := os.Open(slotPath(dir, sl.num))
	if err != nil {
		t.Fatal(err)
	}
	defer sf.Close()
	rs := slotRecords(t, sf, 4<<20, sl.gen)
	if len(rs) != 10 {
		t.Fatalf("setup: %d records", len(rs))
	}
	return dir, f, sl.num, rs
}

func patchSlot(t *testing.T, dir string, n int, off int64, fn func(b []byte)) {
	t.Helper()
	p := slotPath(dir, n)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	fn(b[off:])
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCorruptionMidSlot(t *testing.T) {
	dir, f, n, rs := writeOneSlot(t)
	// Flip bits in record 3's frame table and in record 6's frame data.
	patchSlot(t, dir, n, rs[3].off+recordHeaderSize+25, func(b []byte) { b[0] ^= 0x10 })
	patchSlot(t, dir, n, rs[6].end-500, func(b []byte) { b[0] ^= 0x01; b[7] ^= 0x80 })

	s := openTest(t, dir)
	rep, err := s.Verify()
	if err != nil {
		t.Fatal(err)
	}
	if rep.Corrupt != 2 || rep.Dangling != 2 || rep.RecordsOK != 9 { // 8 video + 1 params
		t.Fatalf("verify report = %+v", rep)
	}
	c, err := s.Clip("cam", testT0, testT0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	// The damaged table is caught by the clip itself: that GOP is skipped,
	// the records after it still play.
	if len(c.Samples) != 450 {
		t.Fatalf("clip has %d samples, want 450", len(c.Samples))
	}
	for i, smp := range c.Samples {
		at := c.Start.Add(smp.PTS)
		if !at.Before(testT0.Add(6*time.Second)) && at.Before(testT0.Add(8*time.Second)) {
			t.Fatalf("sample %d at %v comes from the damaged record", i, at)
		}
	}
	if err := s.Sync(); err != nil {
		t.Fatal(err)
	}
	evs, _ := s.Events(testT0, time.Now().Add(time.Hour), 0)
	kinds := map[string]int{}
	for _, e := range evs {
		kinds[e.Kind]++
	}
	if kinds["corrupt-record"] < 3 {
		t.Errorf("events = %+v", evs)
	}
	s.Close()

	// A rebuild keeps only the sound records, and everything else plays.
	rep, err = Fsck(dir, FsckOptions{Rebuild: true, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Corrupt != 2 || rep.Dangling != 0 || rep.Missing != 0 || rep.IndexEntries != 8 {
		t.Fatalf("fsck after rebuild = %+v", rep)
	}
	s = openTest(t, dir)
	defer s.Close()
	c, err = s.Clip("cam", testT0.Add(8*time.Second), testT0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Samples) != 250 {
		t.Fatalf("%d samples after the damage, want 250", len(c.Samples))
	}
	checkClip(t, c, f)
}

// TestCutShortRecord removes the second half of a record in the middle of
// a slot, as if a write was cut short and the next record followed it.
func TestCutShortRecord(t *testing.T) {
	dir, f, n, rs := writeOneSlot(t)
	cut := (rs[4].end - rs[4].off) / 2
	patchSlot(t, dir, n, 0, func(b []byte) {
		mid := rs[4].off + cut
		copy(b[mid:], b[rs[4].end:rs[9].end])
		clear(b[rs[9].end-cut : rs[9].end])
	})
	if err := os.Remove(filepath.Join(dir, indexName)); err != nil {
		t.Fatal(err)
	}
	s := openTest(t, dir) // builds the index from the slots
	defer s.Close()
	rep, err := s.Verify()
	if err != nil {
		t.Fatal(err)
	}
	if rep.Corrupt != 1 || rep.IndexEntries != 9 || rep.Dangling != 0 || rep.Missing != 0 {
		t.Fatalf("verify = %+v", rep)
	}
	runs, _ := s.Runs("cam", testT0, testT0.Add(time.Hour))
	if len(runs) != 2 {
		t.Fatalf("runs = %+v (the lost GOP is a gap)", runs)
	}
	c, err := s.Clip("cam", testT0.Add(10*time.Second), testT0.Add(time.Hour))
	if err != nil || len(c.Samples) != 250 {
		t.Fatalf("clip after the cut: %v", err)
	}
	checkClip(t, c, f)
}
