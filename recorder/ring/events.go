package ring

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Event is a notable happening kept in the index: recovery, corruption,
// disk faults, and whatever other parts of the box add.
type Event struct {
	Time    time.Time `json:"time"`
	Kind    string    `json:"kind"`
	Camera  string    `json:"camera,omitempty"`
	Message string    `json:"message"`
	seq     uint64
}

// AddEvent records an event; it is committed with the next sync.
func (s *Store) AddEvent(kind, camera, msg string) {
	s.mu.Lock()
	s.addEventLocked(kind, camera, msg)
	s.mu.Unlock()
}

func (s *Store) addEventLocked(kind, camera, msg string) {
	s.eventSeq++
	s.pendingEvents = append(s.pendingEvents, Event{Time: s.opt.Now(), Kind: kind, Camera: camera, Message: msg, seq: s.eventSeq})
}

// Events lists events with from <= time < to, oldest first, at most limit
// (0 = no limit), including those not yet committed.
func (s *Store) Events(from, to time.Time, limit int) ([]Event, error) {
	var out []Event
	f, t := unixNano(from), unixNano(to)
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketEvents).Cursor()
		for k, v := c.Seek(u64bytes(uint64(f))); k != nil; k, v = c.Next() {
			if len(k) != 16 || int64(binary.BigEndian.Uint64(k)) >= t {
				break
			}
			var ev Event
			if err := json.Unmarshal(v, &ev); err != nil {
				continue
			}
			ev.seq = binary.BigEndian.Uint64(k[8:])
			out = append(out, ev)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ring: events: %w", err)
	}
	s.mu.Lock()
	for _, ev := range s.pendingEvents {
		if !ev.Time.Before(from) && ev.Time.Before(to) {
			out = append(out, ev)
		}
	}
	s.mu.Unlock()
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// unixNano clamps times outside what int64 nanoseconds hold (such as the
// zero time) instead of wrapping.
func unixNano(t time.Time) int64 {
	switch {
	case t.Before(time.Unix(0, 0)):
		return 0
	case t.After(time.Unix(0, math.MaxInt64)):
		return math.MaxInt64
	}
	return t.UnixNano()
}
