package ring

import (
	"math/rand"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	"skyguard/recorder/media"
)

// BenchmarkAppend appends 1080p-sized frames (keyframe ~200 KB, others
// ~25 KB, 25 fps, GOP 50) for one camera, syncing once per 25 frames.
func BenchmarkAppend(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "vol")
	if err := Format(dir, FormatOptions{Size: 4 * 32 << 20, SlotSize: 32 << 20}, nil); err != nil {
		b.Fatal(err)
	}
	s, err := Open(dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	rng := rand.New(rand.NewSource(1))
	key, inter := make([]byte, 200_000), make([]byte, 25_000)
	rng.Read(key)
	rng.Read(inter)
	p := testParams(1920)
	aus := make([]media.AccessUnit, 50)
	for i := range aus {
		n := inter
		if i == 0 {
			n = key
		}
		aus[i] = media.AccessUnit{Params: p, Key: i == 0, NALUs: [][]byte{n}}
	}
	var total int64
	for _, au := range aus {
		total += int64(len(au.NALUs[0]) + 4)
	}
	b.SetBytes(total / int64(len(aus)))
	b.ReportAllocs()
	b.ResetTimer()
	wall := testT0
	for i := 0; i < b.N; i++ {
		au := aus[i%50]
		au.PTS = time.Duration(i) * 40 * time.Millisecond
		au.Wall = wall.Add(au.PTS)
		if err := s.Append("cam", &au); err != nil {
			b.Fatal(err)
		}
		if i%25 == 24 {
			if err := s.Sync(); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// TestIndexSizeRatio measures the index bytes per record: for 2-second
// GOPs of ~1 MB it must stay well under 0.1% of the video bytes.
func TestIndexSizeRatio(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "i.db"), 0o644, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const n = 20000
	var uuid volumeID
	err = db.Update(func(tx *bolt.Tx) error {
		if err := initIndex(tx, uuid); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			e := entry{Start: testT0.UnixNano() + int64(i)*2e9, Seq: uint64(i + 1), Slot: uint32(i / 200), Gen: 3,
				Off: int64(i%200) * 1e6, Len: 1e6, Dur: 2e9, ParamsID: 77, Frames: 50}
			if err := putEntry(tx, "cam-01", &e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var st bolt.BucketStats
	db.View(func(tx *bolt.Tx) error {
		st = tx.Bucket(bucketRecords).Bucket([]byte("cam-01")).Stats()
		return nil
	})
	perEntry := float64(st.LeafAlloc+st.BranchAlloc) / n
	ratio := perEntry / 1e6
	t.Logf("index: %.1f bytes per record (pages allocated), %.4f%% of 1 MB records", perEntry, ratio*100)
	if ratio > 0.0002 {
		t.Errorf("index ratio %.5f%% is too large", ratio*100)
	}
}
