package ring

import (
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Stats describe the volume for the UI and LEDs.
type Stats struct {
	UUID           string
	Capacity       int64 // bytes available to records
	Used           int64 // bytes held by records
	Slots          int
	FreeSlots      int
	Oldest, Newest time.Time // zero if nothing recorded
	BytesWritten   int64     // since Open
	RecordsWritten int64     // since Open
	FramesDropped  int64     // since Open: before a keyframe, or too big
	Syncs          int64     // since Open
	Fault          string    // empty if the disk is fine
	IO             IOStats   // write and sync latencies, last minute
	Cameras        map[string]CameraStats
}

// CameraStats is what one camera has on the volume.
type CameraStats struct {
	Oldest, Newest time.Time
	Slots          int
}

// Stats returns a snapshot; it reads only memory.
func (s *Store) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Stats{
		UUID:           s.sb.UUID.String(),
		Capacity:       int64(len(s.slots)) * (s.sb.SlotSize - slotHeaderSize),
		Slots:          len(s.slots),
		BytesWritten:   s.counters.bytesWritten,
		RecordsWritten: s.counters.recordsWritten,
		FramesDropped:  s.counters.dropped,
		Syncs:          s.counters.syncs,
		Cameras:        map[string]CameraStats{},
	}
	if s.fault != nil {
		st.Fault = s.fault.Error()
	}
	st.IO = s.io.snapshot(time.Now())
	var oldest, newest int64
	for _, sl := range s.slots {
		if sl.rec.State == slotFree {
			st.FreeSlots++
			continue
		}
		st.Used += sl.writeOff - slotHeaderSize
		if sl.rec.First == 0 {
			continue
		}
		if oldest == 0 || sl.rec.First < oldest {
			oldest = sl.rec.First
		}
		newest = max(newest, sl.rec.Last)
		cs := st.Cameras[sl.rec.Camera]
		if cs.Oldest.IsZero() || sl.rec.First < cs.Oldest.UnixNano() {
			cs.Oldest = time.Unix(0, sl.rec.First)
		}
		if sl.rec.Last > cs.Newest.UnixNano() {
			cs.Newest = time.Unix(0, sl.rec.Last)
		}
		cs.Slots++
		st.Cameras[sl.rec.Camera] = cs
	}
	if oldest != 0 {
		st.Oldest, st.Newest = time.Unix(0, oldest), time.Unix(0, newest)
	}
	return st
}

// Cameras lists every camera with recordings or a writer, sorted.
func (s *Store) Cameras() []string {
	set := map[string]bool{}
	_ = s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRecords).ForEachBucket(func(k []byte) error {
			set[string(k)] = true
			return nil
		})
	})
	s.mu.Lock()
	for n := range s.cams {
		set[n] = true
	}
	s.mu.Unlock()
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
