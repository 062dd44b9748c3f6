package ring

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestFsckRebuild(t *testing.T) {
	dir := formatTest(t, 6, 2<<20)
	s := openTest(t, dir)
	a, b := newFeed(t, 31, 3000), newFeed(t, 32, 1500)
	for i := 0; i < 400; i++ {
		appendN(t, s, "a", a, 1)
		appendN(t, s, "b", b, 1)
		if i == 200 {
			a.pause(5 * time.Second)
		}
	}
	s.AddEvent("test", "a", "kept across rebuild")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openTest(t, dir)
	before := map[string][]Run{}
	entries := map[string][]entry{}
	for _, cam := range []string{"a", "b"} {
		before[cam], _ = s.Runs(cam, testT0, testT0.Add(time.Hour))
		entries[cam], _ = s.listEntries(cam, 0, 1<<62)
	}
	s.Close()
	if len(before["a"]) != 2 || len(before["b"]) != 1 {
		t.Fatalf("setup runs = %+v", before)
	}

	if err := os.Remove(filepath.Join(dir, indexName)); err != nil {
		t.Fatal(err)
	}
	if _, err := Fsck(dir, FsckOptions{Logger: testLogger(t)}); err == nil {
		t.Fatal("fsck without an index and without rebuild succeeded")
	}
	rep, err := Fsck(dir, FsckOptions{Rebuild: true, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Clean() || !rep.Rebuilt || rep.IndexEntries != len(entries["a"])+len(entries["b"]) {
		t.Fatalf("fsck = %+v", rep)
	}
	s = openTest(t, dir)
	defer s.Close()
	for _, cam := range []string{"a", "b"} {
		runs, _ := s.Runs(cam, testT0, testT0.Add(time.Hour))
		if !reflect.DeepEqual(runs, before[cam]) {
			t.Errorf("%s: runs %+v after rebuild, %+v before", cam, runs, before[cam])
		}
		es, _ := s.listEntries(cam, 0, 1<<62)
		if !reflect.DeepEqual(es, entries[cam]) {
			t.Errorf("%s: index entries differ after rebuild", cam)
		}
	}
	c, err := s.Clip("a", testT0, testT0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	checkClip(t, c, a)
	// Recording goes on after a rebuild (every used slot is now full).
	appendN(t, s, "b", b, 100)
	mustVerifyClean(t, s)
}

func TestFormatRefusals(t *testing.T) {
	log := testLogger(t)
	foreign := t.TempDir()
	os.WriteFile(filepath.Join(foreign, "holiday.jpg"), []byte("x"), 0o644)
	err := Format(foreign, FormatOptions{Size: 4 << 20, SlotSize: 1 << 20, Logger: log}, nil)
	if err == nil || !strings.Contains(err.Error(), "not a skyguard volume") {
		t.Errorf("format of a foreign dir: %v", err)
	}
	if err := Format(t.TempDir(), FormatOptions{Size: 1 << 44, SlotSize: 1 << 40, Logger: log}, nil); err == nil || !strings.Contains(err.Error(), "free") {
		t.Errorf("format bigger than the disk: %v", err)
	}
	if err := Format(t.TempDir(), FormatOptions{Size: 1 << 20, SlotSize: 1 << 20, Logger: log}, nil); err == nil {
		t.Error("format with one slot succeeded")
	}
	if err := Format(t.TempDir(), FormatOptions{Size: 8 << 20, SlotSize: 1<<20 + 1, Logger: log}, nil); err == nil {
		t.Error("format with an unaligned slot size succeeded")
	}
	var calls int
	dir := filepath.Join(t.TempDir(), "v")
	if err := Format(dir, FormatOptions{Size: 3 << 20, SlotSize: 1 << 20, Logger: log}, func(done, total int) { calls++ }); err != nil || calls != 3 {
		t.Fatalf("format: %v, %d progress calls", err, calls)
	}
	// Formatting an existing volume again is allowed, and gives a new UUID.
	s := openTest(t, dir)
	id := s.Stats().UUID
	s.Close()
	if err := Format(dir, FormatOptions{Size: 3 << 20, SlotSize: 1 << 20, Logger: log}, nil); err != nil {
		t.Fatalf("reformat: %v", err)
	}
	s = openTest(t, dir)
	if s.Stats().UUID == id {
		t.Error("reformat kept the UUID")
	}
	s.Close()

	// An index from another volume is refused, and a rebuild replaces it.
	other := formatTest(t, 2, 1<<20)
	s = openTest(t, other)
	s.Close()
	idx, _ := os.ReadFile(filepath.Join(other, indexName))
	os.WriteFile(filepath.Join(dir, indexName), idx, 0o644)
	if _, err := Open(dir, Options{Logger: log}); !isWrongVolume(err) {
		t.Fatalf("open with another volume's index: %v", err)
	}
	if rep, err := Fsck(dir, FsckOptions{Rebuild: true, Logger: log}); err != nil || !rep.Clean() {
		t.Fatalf("fsck rebuild: %+v, %v", rep, err)
	}
	s = openTest(t, dir)
	s.Close()
	// Not a volume at all.
	if _, err := Open(t.TempDir(), Options{Logger: log}); !isNotVolume(err) {
		t.Errorf("open of an empty dir: %v", err)
	}
}
