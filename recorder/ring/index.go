package ring

import (
	"encoding/binary"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Index layout (bbolt). One entry per record, never per frame.
//
//	meta:    "uuid" -> volume UUID, "schema" -> u32, "seq" -> last record seq u64
//	records: one nested bucket per camera: start ns (8 BE) | seq (8 BE) -> entry
//	params:  id (4 BE) -> encoded media.Params
//	slots:   slot (4 BE) -> slotRecord
//	events:  time ns (8 BE) | seq (8 BE) -> JSON Event
const (
	indexName     = "index.db"
	schemaVersion = 2 // see schema.go for the history and migrations
)

var (
	bucketMeta    = []byte("meta")
	bucketRecords = []byte("records")
	bucketParams  = []byte("params")
	bucketSlots   = []byte("slots")
	bucketEvents  = []byte("events")
)

// entry locates one video record.
type entry struct {
	Start    int64 // unix ns
	Seq      uint64
	Slot     uint32
	Gen      uint32
	Off      int64 // record start within the slot file
	Len      uint32
	Dur      int64
	ParamsID uint32
	Frames   uint32
	Flags    uint16
}

const entryValueLen = 4 + 4 + 8 + 4 + 8 + 4 + 4 + 2

func (e *entry) end() int64 { return e.Start + e.Dur }

func (e *entry) key() []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, uint64(e.Start))
	binary.BigEndian.PutUint64(k[8:], e.Seq)
	return k
}

func (e *entry) value() []byte {
	be := binary.BigEndian
	v := make([]byte, entryValueLen)
	be.PutUint32(v[0:], e.Slot)
	be.PutUint32(v[4:], e.Gen)
	be.PutUint64(v[8:], uint64(e.Off))
	be.PutUint32(v[16:], e.Len)
	be.PutUint64(v[20:], uint64(e.Dur))
	be.PutUint32(v[28:], e.ParamsID)
	be.PutUint32(v[32:], e.Frames)
	be.PutUint16(v[36:], e.Flags)
	return v
}

func decodeEntry(k, v []byte) (entry, error) {
	if len(k) != 16 || len(v) < entryValueLen {
		return entry{}, fmt.Errorf("index entry of %d/%d bytes: %w", len(k), len(v), ErrCorrupt)
	}
	be := binary.BigEndian
	return entry{
		Start:    int64(be.Uint64(k)),
		Seq:      be.Uint64(k[8:]),
		Slot:     be.Uint32(v[0:]),
		Gen:      be.Uint32(v[4:]),
		Off:      int64(be.Uint64(v[8:])),
		Len:      be.Uint32(v[16:]),
		Dur:      int64(be.Uint64(v[20:])),
		ParamsID: be.Uint32(v[28:]),
		Frames:   be.Uint32(v[32:]),
		Flags:    be.Uint16(v[36:]),
	}, nil
}

func entryFromHeader(slot uint32, off int64, h *recordHeader) entry {
	return entry{Start: h.Start, Seq: h.Seq, Slot: slot, Gen: h.Gen, Off: off,
		Len: recordHeaderSize + h.Len, Dur: h.Dur, ParamsID: h.ParamsID, Frames: h.Frames, Flags: h.Flags}
}

// Slot states.
const (
	slotFree = 0
	slotOpen = 1 // held by a camera for writing
	slotFull = 2
)

// slotRecord is a slot's state as committed in the index.
type slotRecord struct {
	State    uint8
	Gen      uint32
	OpenedAt int64
	Off      int64 // committed write offset: end of the last indexed record
	First    int64 // earliest record start (ns), 0 if none
	Last     int64 // latest record end (ns)
	Camera   string
}

func (s *slotRecord) encode() []byte {
	be := binary.BigEndian
	b := make([]byte, 0, 1+4+8*4+2+len(s.Camera))
	b = append(b, s.State)
	b = be.AppendUint32(b, s.Gen)
	b = be.AppendUint64(b, uint64(s.OpenedAt))
	b = be.AppendUint64(b, uint64(s.Off))
	b = be.AppendUint64(b, uint64(s.First))
	b = be.AppendUint64(b, uint64(s.Last))
	b = be.AppendUint16(b, uint16(len(s.Camera)))
	return append(b, s.Camera...)
}

func decodeSlotRecord(b []byte) (slotRecord, error) {
	be := binary.BigEndian
	if len(b) < 39 {
		return slotRecord{}, fmt.Errorf("slot state of %d bytes: %w", len(b), ErrCorrupt)
	}
	s := slotRecord{
		State:    b[0],
		Gen:      be.Uint32(b[1:]),
		OpenedAt: int64(be.Uint64(b[5:])),
		Off:      int64(be.Uint64(b[13:])),
		First:    int64(be.Uint64(b[21:])),
		Last:     int64(be.Uint64(b[29:])),
	}
	n := int(be.Uint16(b[37:]))
	if 39+n > len(b) {
		return slotRecord{}, fmt.Errorf("slot state camera cut short: %w", ErrCorrupt)
	}
	s.Camera = string(b[39 : 39+n])
	return s, nil
}

func u32key(n uint32) []byte { return binary.BigEndian.AppendUint32(nil, n) }

func u64bytes(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

// openIndex opens index.db and checks that it belongs to this volume. It
// reports fresh=true when the file had no meta yet (new or emptied).
func openIndex(path string, uuid volumeID, readOnly bool) (db *bolt.DB, fresh bool, err error) {
	if readOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, false, fmt.Errorf("ring: open index: %w", err)
		}
	}
	db, err = bolt.Open(path, 0o644, &bolt.Options{Timeout: 5 * time.Second, ReadOnly: readOnly})
	if err != nil {
		return nil, false, fmt.Errorf("ring: open index %s: %w", path, err)
	}
	err = db.View(func(tx *bolt.Tx) error {
		m := tx.Bucket(bucketMeta)
		if m == nil {
			fresh = true
			return nil
		}
		if got := m.Get([]byte("uuid")); string(got) != string(uuid[:]) {
			return fmt.Errorf("index names volume %x, this volume is %s: %w", got, uuid, ErrWrongVolume)
		}
		if v := m.Get([]byte("schema")); len(v) != 4 || binary.BigEndian.Uint32(v) != schemaVersion {
			return fmt.Errorf("index schema %x, want %d: %w", v, schemaVersion, ErrWrongVolume)
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, false, fmt.Errorf("ring: open index %s: %w", path, err)
	}
	return db, fresh, nil
}

// initIndex creates the buckets and names the volume.
func initIndex(tx *bolt.Tx, uuid volumeID) error {
	for _, b := range [][]byte{bucketMeta, bucketRecords, bucketParams, bucketSlots, bucketEvents} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	m := tx.Bucket(bucketMeta)
	if err := m.Put([]byte("uuid"), uuid[:]); err != nil {
		return err
	}
	return m.Put([]byte("schema"), binary.BigEndian.AppendUint32(nil, schemaVersion))
}

func putEntry(tx *bolt.Tx, camera string, e *entry) error {
	b, err := tx.Bucket(bucketRecords).CreateBucketIfNotExists([]byte(camera))
	if err != nil {
		return err
	}
	return b.Put(e.key(), e.value())
}

func putSeq(tx *bolt.Tx, seq uint64) error {
	m := tx.Bucket(bucketMeta)
	if v := m.Get([]byte("seq")); len(v) == 8 && binary.BigEndian.Uint64(v) >= seq {
		return nil
	}
	return m.Put([]byte("seq"), u64bytes(seq))
}

// deleteSlotEntries drops a camera's entries that live in slot/gen with
// start times between first and last.
func deleteSlotEntries(tx *bolt.Tx, camera string, slot, gen uint32, first, last int64) (int, error) {
	b := tx.Bucket(bucketRecords).Bucket([]byte(camera))
	if b == nil {
		return 0, nil
	}
	var doomed [][]byte
	c := b.Cursor()
	for k, v := c.Seek(u64bytes(uint64(first))); k != nil; k, v = c.Next() {
		e, err := decodeEntry(k, v)
		if err != nil {
			continue
		}
		if e.Start > last {
			break
		}
		if e.Slot == slot && e.Gen == gen {
			doomed = append(doomed, append([]byte(nil), k...))
		}
	}
	for _, k := range doomed {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(doomed), nil
}
