package ring

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"

	"skyguard/recorder/media"
)

var testT0 = time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)

func testParams(w int) *media.Params {
	return &media.Params{Codec: media.CodecH264, SPS: []byte{0x67, 0x64, 0x00, 0x28, byte(w)}, PPS: []byte{0x68, 0xee, 0x3c, 0x80},
		Width: w, Height: w * 9 / 16}
}

// feed makes synthetic access units: 25 fps, a keyframe every 50 frames,
// random NALU bytes, and remembers what it produced per wall time.
type feed struct {
	t      *testing.T
	rng    *rand.Rand
	params *media.Params
	n      int
	wall   time.Time
	pts    time.Duration
	size   int
	sent   map[int64][]byte // wall ns -> AVCC bytes
	newRun bool
}

func newFeed(t *testing.T, seed int64, size int) *feed {
	return &feed{t: t, rng: rand.New(rand.NewSource(seed)), params: testParams(1920), wall: testT0, size: size, sent: map[int64][]byte{}}
}

func (f *feed) next() *media.AccessUnit {
	key := f.n%50 == 0
	sz := f.size/2 + f.rng.Intn(f.size)
	if key {
		sz *= 3
	}
	a := make([]byte, sz)
	f.rng.Read(a)
	a[0] = 0x41
	if key {
		a[0] = 0x65
	}
	b := make([]byte, 16+f.rng.Intn(32))
	f.rng.Read(b)
	au := &media.AccessUnit{Params: f.params, PTS: f.pts, Wall: f.wall, Key: key, NALUs: [][]byte{a, b}, NewRun: f.newRun}
	f.newRun = false
	f.sent[f.wall.UnixNano()] = media.AVCC(au.NALUs)
	f.n++
	f.pts += 40 * time.Millisecond
	f.wall = f.wall.Add(40 * time.Millisecond)
	return au
}

// pause skips d of wall time and restarts at a keyframe with NewRun.
func (f *feed) pause(d time.Duration) {
	f.wall = f.wall.Add(d)
	f.pts += d
	f.n = 0
	f.newRun = true
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func formatTest(t *testing.T, slots int, slotSize int64) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "vol")
	if err := Format(dir, FormatOptions{Size: int64(slots) * slotSize, SlotSize: slotSize, Logger: testLogger(t)}, nil); err != nil {
		t.Fatalf("format: %v", err)
	}
	return dir
}

// openTest opens a store whose records are whole GOPs, which most tests
// count on; TestSplitRecords covers the default sub-GOP records.
func openTest(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(dir, Options{Logger: testLogger(t), MaxBuffered: maxRecordDur})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return s
}

func appendN(t *testing.T, s *Store, cam string, f *feed, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if err := s.Append(cam, f.next()); err != nil {
			t.Fatalf("append %s frame %d: %v", cam, i, err)
		}
	}
}

// checkClip verifies every sample of a clip against what the feed sent.
func checkClip(t *testing.T, c *Clip, f *feed) {
	t.Helper()
	for i, smp := range c.Samples {
		wall := c.Start.Add(smp.PTS).UnixNano()
		want, ok := f.sent[wall]
		if !ok {
			t.Fatalf("sample %d at %v: feed never sent a frame then", i, time.Unix(0, wall).UTC())
		}
		got := make([]byte, smp.Size)
		if _, err := c.Data.ReadAt(got, smp.Off); err != nil {
			t.Fatalf("sample %d: read: %v", i, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("sample %d at %v: bytes differ (%d vs %d bytes)", i, time.Unix(0, wall).UTC(), len(got), len(want))
		}
	}
}

func mustVerifyClean(t *testing.T, s *Store) Report {
	t.Helper()
	rep, err := s.Verify()
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if !rep.Clean() {
		t.Fatalf("verify not clean: %+v", rep)
	}
	return rep
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if fi.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o644)
	})
	if err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
}

func isGone(err error) bool { return errors.Is(err, ErrGone) }

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

func isWrongVolume(err error) bool { return errors.Is(err, ErrWrongVolume) }

func isNotVolume(err error) bool { return errors.Is(err, ErrNotVolume) }
