package ring

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Versioning of what a firmware finds on the data disk. A box can be
// updated and then fall back to its old slot, so both directions happen:
// a newer firmware migrates an older index in place, step by step; an
// older firmware refuses a newer index (or volume format) with a clear
// error instead of misreading it, and records into a fresh index only
// when told to (SetAsideNewerIndex), keeping the newer one aside.
//
// Index schemas:
//
//	1: the first layout; indexes of the earliest builds carry no "schema" key.
//	2: "schema" is always present and every bucket exists (the step
//	   creates missing ones; the layout of entries is unchanged).

// ErrNewerIndex means index.db was written by a newer firmware.
var ErrNewerIndex = errors.New("ring: index is newer than this firmware")

// ErrNewerVolume means the volume was formatted by a newer firmware.
var ErrNewerVolume = errors.New("ring: volume format is newer than this firmware")

// migrations[v] turns schema v into v+1, inside one transaction.
var migrations = map[uint32]func(tx *bolt.Tx) error{
	1: migrateV1toV2,
}

func migrateV1toV2(tx *bolt.Tx) error {
	for _, b := range [][]byte{bucketMeta, bucketRecords, bucketParams, bucketSlots, bucketEvents} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return fmt.Errorf("create bucket %s: %w", b, err)
		}
	}
	return nil
}

// indexSchema reads the schema of an index's meta bucket: 1 when the key
// is missing (the earliest builds), 0 when there is no meta at all (a
// new or emptied index, which Open rebuilds).
func indexSchema(tx *bolt.Tx) (uint32, error) {
	m := tx.Bucket(bucketMeta)
	if m == nil {
		return 0, nil
	}
	v := m.Get([]byte("schema"))
	switch {
	case v == nil:
		return 1, nil
	case len(v) != 4:
		return 0, fmt.Errorf("index schema key of %d bytes: %w", len(v), ErrCorrupt)
	}
	return binary.BigEndian.Uint32(v), nil
}

// upgradeVolume runs at the start of Open: it refuses a volume or index
// newer than this firmware and migrates an older index to schemaVersion.
func upgradeVolume(dir string, log *slog.Logger) error {
	if err := checkVolumeFormat(dir); err != nil {
		return err
	}
	path := filepath.Join(dir, indexName)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	sb, err := readSuperblock(dir)
	if err != nil {
		return nil // Open reports it
	}
	db, err := bolt.Open(path, 0o644, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil // Open reports it, with its advice on rebuilding
	}
	defer db.Close()
	return db.Update(func(tx *bolt.Tx) error {
		m := tx.Bucket(bucketMeta)
		if m == nil || string(m.Get([]byte("uuid"))) != string(sb.UUID[:]) {
			return nil // fresh, or another volume's: Open decides
		}
		v, err := indexSchema(tx)
		if err != nil {
			return fmt.Errorf("ring: open %s: %w", dir, err)
		}
		if v > schemaVersion {
			return fmt.Errorf("ring: open %s: index schema %d is newer than this firmware's %d: it was written by a newer firmware; "+
				"update the firmware again, or start with a fresh index (`skyguard run --new-index`, which keeps the old one as %s.schema%d and rebuilds from the slots): %w",
				dir, v, schemaVersion, indexName, v, ErrNewerIndex)
		}
		for ; v < schemaVersion; v++ {
			step := migrations[v]
			if step == nil {
				return fmt.Errorf("ring: open %s: no migration from index schema %d: %w", dir, v, ErrWrongVolume)
			}
			if err := step(tx); err != nil {
				return fmt.Errorf("ring: open %s: migrate index schema %d to %d: %w", dir, v, v+1, err)
			}
			if err := tx.Bucket(bucketMeta).Put([]byte("schema"), binary.BigEndian.AppendUint32(nil, v+1)); err != nil {
				return fmt.Errorf("ring: open %s: migrate index schema %d to %d: %w", dir, v, v+1, err)
			}
			log.Info("ring: index migrated", "from_schema", v, "to_schema", v+1)
		}
		return nil
	})
}

// checkVolumeFormat refuses a superblock of a newer format version with a
// clear message (readSuperblock only knows its own version).
func checkVolumeFormat(dir string) error {
	b, err := os.ReadFile(filepath.Join(dir, superblockName))
	if err != nil {
		return nil // Open reports it
	}
	be := binary.BigEndian
	for i := 0; i < 2; i++ {
		lo := i * superblockCopyLen
		if lo+superblockBodyLen+4 > len(b) {
			break
		}
		c := b[lo:]
		if string(c[:8]) != superblockMagic || crc32.Checksum(c[:superblockBodyLen], castagnoli) != be.Uint32(c[superblockBodyLen:]) {
			continue
		}
		if v := be.Uint32(c[8:]); v > formatVersion {
			return fmt.Errorf("ring: open %s: volume format %d is newer than this firmware's %d: the data disk was formatted by a newer firmware; update the firmware again (reformatting erases the recordings): %w",
				dir, v, formatVersion, ErrNewerVolume)
		}
	}
	return nil
}

// SetAsideNewerIndex moves an index written by a newer firmware aside as
// index.db.schemaN, so Open rebuilds a fresh one from the slots. It does
// nothing (and returns "") when the index is missing or not newer.
func SetAsideNewerIndex(dir string) (string, error) {
	path := filepath.Join(dir, indexName)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	db, err := bolt.Open(path, 0o644, &bolt.Options{Timeout: 5 * time.Second, ReadOnly: true})
	if err != nil {
		return "", fmt.Errorf("ring: inspect index %s: %w", path, err)
	}
	var v uint32
	err = db.View(func(tx *bolt.Tx) error {
		var err error
		v, err = indexSchema(tx)
		return err
	})
	db.Close()
	if err != nil {
		return "", fmt.Errorf("ring: inspect index %s: %w", path, err)
	}
	if v <= schemaVersion {
		return "", nil
	}
	aside := fmt.Sprintf("%s.schema%d", path, v)
	if _, err := os.Stat(aside); err == nil {
		aside = fmt.Sprintf("%s.%d", aside, time.Now().Unix())
	}
	if err := os.Rename(path, aside); err != nil {
		return "", fmt.Errorf("ring: set aside index %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return aside, nil
}
