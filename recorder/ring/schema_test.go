package ring

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// recordSome writes 6 s of one camera and closes the store.
func recordSome(t *testing.T, dir string) {
	t.Helper()
	s := openTest(t, dir)
	appendN(t, s, "a", newFeed(t, 1, 3000), 150)
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
}

// setSchema rewrites the index's schema key the way another firmware
// would have left it; nil deletes the key (the earliest builds).
func setSchema(t *testing.T, dir string, v []byte) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, indexName), 0o644, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		m := tx.Bucket(bucketMeta)
		if v == nil {
			return m.Delete([]byte("schema"))
		}
		return m.Put([]byte("schema"), v)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func readSchema(t *testing.T, dir string) []byte {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, indexName), 0o644, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []byte
	db.View(func(tx *bolt.Tx) error {
		out = append([]byte(nil), tx.Bucket(bucketMeta).Get([]byte("schema"))...)
		return nil
	})
	return out
}

func wantSixSeconds(t *testing.T, s *Store) {
	t.Helper()
	runs, err := s.Runs("a", testT0.Add(-time.Hour), testT0.Add(time.Hour))
	if err != nil {
		t.Fatalf("runs: %v", err)
	}
	if len(runs) != 1 || runs[0].End.Sub(runs[0].Start) != 6*time.Second {
		t.Fatalf("runs %+v, want one of 6 s", runs)
	}
}

func TestMigrateIndexFromV1(t *testing.T) {
	for _, c := range []struct {
		name string
		key  []byte
	}{
		{"no schema key", nil},
		{"schema key 1", binary.BigEndian.AppendUint32(nil, 1)},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := formatTest(t, 4, 4<<20)
			recordSome(t, dir)
			// Make it an index of the old kind: schema as old builds left
			// it, and a bucket the old builds created lazily missing.
			setSchema(t, dir, c.key)
			db, err := bolt.Open(filepath.Join(dir, indexName), 0o644, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket(bucketEvents) }); err != nil {
				t.Fatal(err)
			}
			db.Close()

			s := openTest(t, dir)
			wantSixSeconds(t, s)
			if _, err := s.Events(time.Time{}, time.Now().Add(time.Hour), 10); err != nil {
				t.Errorf("events after migration: %v", err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if got := readSchema(t, dir); binary.BigEndian.Uint32(got) != 2 {
				t.Fatalf("schema after migration = %x, want 2", got)
			}
			// The migrated index opens again without a step.
			s = openTest(t, dir)
			wantSixSeconds(t, s)
			s.Close()
		})
	}
}

func TestRefuseNewerIndex(t *testing.T) {
	dir := formatTest(t, 4, 4<<20)
	recordSome(t, dir)
	setSchema(t, dir, binary.BigEndian.AppendUint32(nil, 3))

	_, err := Open(dir, Options{Logger: testLogger(t)})
	if !errors.Is(err, ErrNewerIndex) || !strings.Contains(err.Error(), "index schema 3 is newer than this firmware's 2") {
		t.Fatalf("open of a newer index: %v", err)
	}
	if got := readSchema(t, dir); binary.BigEndian.Uint32(got) != 3 {
		t.Fatalf("refused index was changed: schema %x", got)
	}

	// Told to, the old firmware sets it aside and rebuilds from the slots.
	aside, err := SetAsideNewerIndex(dir)
	if err != nil {
		t.Fatal(err)
	}
	if aside != filepath.Join(dir, "index.db.schema3") {
		t.Fatalf("set aside as %q", aside)
	}
	if _, err := os.Stat(aside); err != nil {
		t.Fatalf("old index not kept: %v", err)
	}
	s := openTest(t, dir)
	wantSixSeconds(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Nothing to do for an index of this firmware.
	if again, err := SetAsideNewerIndex(dir); err != nil || again != "" {
		t.Fatalf("second set-aside: %q, %v", again, err)
	}
}

func TestRefuseNewerVolumeFormat(t *testing.T) {
	dir := formatTest(t, 4, 4<<20)
	p := filepath.Join(dir, superblockName)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		c := b[i*superblockCopyLen:]
		binary.BigEndian.PutUint32(c[8:], formatVersion+1)
		binary.BigEndian.PutUint32(c[superblockBodyLen:], crc32.Checksum(c[:superblockBodyLen], castagnoli))
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Open(dir, Options{Logger: testLogger(t)})
	if !errors.Is(err, ErrNewerVolume) || !strings.Contains(err.Error(), "volume format 2 is newer than this firmware's 1") {
		t.Fatalf("open of a newer volume: %v", err)
	}
}
