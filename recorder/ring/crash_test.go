package ring

import (
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"
)

type recSpan struct{ off, end int64 }

func slotRecords(t *testing.T, f io.ReaderAt, size int64, gen uint32) []recSpan {
	t.Helper()
	var out []recSpan
	_, err := scanSlot(f, size, gen, slotHeaderSize, func(off int64, h *recordHeader, _ []byte) error {
		if h.Kind == kindVideo {
			out = append(out, recSpan{off, off + recordHeaderSize + int64(h.Len)})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func countEntries(t *testing.T, s *Store, cam string) int {
	t.Helper()
	es, err := s.listEntries(cam, 0, 1<<62)
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

// TestCrashRecovery cuts power (copies the volume without closing it)
// after records were written past the last commit, tears the tail at
// several byte positions, and checks what Open makes of it.
func TestCrashRecovery(t *testing.T) {
	rng := rand.New(rand.NewSource(42))
	cases := []struct {
		name    string
		garbage bool
		pos     func(rs []recSpan, k int) int64 // k = first uncommitted record
	}{
		{"at-boundary", false, func(rs []recSpan, k int) int64 { return rs[k+2].off }},
		{"mid-header", false, func(rs []recSpan, k int) int64 { return rs[k+1].off + 30 }},
		{"mid-payload", false, func(rs []recSpan, k int) int64 { return (rs[k+2].off + rs[k+2].end) / 2 }},
		{"mid-payload-garbage", true, func(rs []recSpan, k int) int64 { return rs[k+3].off + 100 }},
		{"random", false, func(rs []recSpan, k int) int64 {
			return rs[k].off + rng.Int63n(rs[len(rs)-1].end-rs[k].off)
		}},
		{"random-garbage", true, func(rs []recSpan, k int) int64 {
			return rs[k].off + rng.Int63n(rs[len(rs)-1].end-rs[k].off)
		}},
		{"all-uncommitted-lost", false, func(rs []recSpan, k int) int64 { return rs[k].off }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := formatTest(t, 4, 4<<20)
			s := openTest(t, dir)
			f := newFeed(t, 7, 2000)
			appendN(t, s, "cam", f, 201) // 4 GOPs written
			if err := s.Sync(); err != nil {
				t.Fatal(err)
			}
			committed := countEntries(t, s, "cam")
			appendN(t, s, "cam", f, 300) // 6 more GOPs written, not committed
			sl := s.cams["cam"].slot
			rs := slotRecords(t, sl.f, s.sb.SlotSize, sl.gen)
			if committed != 4 || len(rs) != 10 {
				t.Fatalf("setup: %d committed, %d on disk", committed, len(rs))
			}
			crash := filepath.Join(t.TempDir(), "crash")
			copyDir(t, dir, crash)
			s.Close()

			pos := tc.pos(rs, committed)
			end := rs[len(rs)-1].end
			tear := make([]byte, end-pos)
			if tc.garbage {
				rng.Read(tear)
			}
			sf, err := os.OpenFile(slotPath(crash, sl.num), os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := sf.WriteAt(tear, pos); err != nil {
				t.Fatal(err)
			}
			sf.Close()
			intact := 0
			for _, r := range rs {
				if r.end <= pos {
					intact++
				}
			}

			s = openTest(t, crash)
			defer s.Close()
			if got := countEntries(t, s, "cam"); got != intact {
				t.Fatalf("tear at %d: %d records indexed after recovery, want %d", pos, got, intact)
			}
			mustVerifyClean(t, s)
			evs, _ := s.Events(time.Time{}, time.Now().Add(time.Hour), 0)
			if len(evs) == 0 && intact > committed {
				t.Errorf("no recovery event recorded")
			}
			c, err := s.Clip("cam", testT0, testT0.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Samples) != intact*50 {
				t.Errorf("%d samples after recovery, want %d", len(c.Samples), intact*50)
			}
			checkClip(t, c, f)

			// Recording resumes where the valid data ends.
			f.pause(time.Second)
			appendN(t, s, "cam", f, 120)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s = openTest(t, crash)
			mustVerifyClean(t, s)
			runs, _ := s.Runs("cam", testT0, testT0.Add(time.Hour))
			if len(runs) != 2 || !runs[1].End.Equal(f.wall) {
				t.Fatalf("runs after resume = %+v", runs)
			}
			c, err = s.Clip("cam", runs[1].Start, runs[1].End)
			if err != nil || len(c.Samples) != 120 {
				t.Fatalf("clip after resume: %v", err)
			}
			checkClip(t, c, f)
		})
	}
}
