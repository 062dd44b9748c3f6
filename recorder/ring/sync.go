package ring

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Run is the sync loop: every SyncInterval it makes the records written
// since the last round durable and then indexes them. On ctx end it writes
// the buffered GOPs, syncs and commits once more, and returns.
func (s *Store) Run(ctx context.Context) error {
	t := time.NewTicker(s.opt.SyncInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			s.mu.Lock()
			cams := s.cameraStates()
			s.mu.Unlock()
			for _, c := range cams {
				if err := s.Flush(c.name); err != nil {
					s.log.Warn("ring: flush on stop", "camera", c.name, "err", err)
				}
			}
			if err := s.Sync(); err != nil {
				return fmt.Errorf("ring: final sync: %w", err)
			}
			return nil
		case <-t.C:
			if err := s.Sync(); err != nil {
				// The fault is recorded; keep serving reads until stopped.
				s.log.Debug("ring: sync", "err", err)
			}
		}
	}
}

// Sync makes every record written so far durable (one fdatasync per slot
// written since the last round), then commits their index entries and the
// slot states in one transaction, so the index never points at unsynced
// data. A sync or commit error puts the store in the fault state.
func (s *Store) Sync() error {
	s.commitMu.Lock()
	defer s.commitMu.Unlock()
	s.mu.Lock()
	if s.fault != nil {
		err := s.fault
		s.mu.Unlock()
		return fmt.Errorf("ring: sync: %w: %v", ErrFault, err)
	}
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	batch := s.pendingEntries
	s.pendingEntries = nil
	params := s.pendingParams
	s.pendingParams = map[uint32][]byte{}
	events := s.pendingEvents
	s.pendingEvents = nil
	dirty := s.dirty
	s.dirty = map[*slot]struct{}{}
	s.mu.Unlock()

	for sl := range dirty {
		done := s.io.begin(opSync)
		err := sl.f.Sync()
		done()
		if err != nil {
			s.setFault(fmt.Errorf("fdatasync slot %d: %w", sl.num, err), "")
			return fmt.Errorf("ring: sync slot %d: %w", sl.num, ErrFault)
		}
	}

	s.mu.Lock()
	type slotPut struct {
		num uint32
		rec slotRecord
	}
	var states []slotPut
	for _, p := range batch {
		sl := s.slots[p.e.Slot]
		sl.pending--
		sl.rec.Off = max(sl.rec.Off, p.e.Off+int64(p.e.Len))
	}
	for sl := range dirty {
		r := sl.rec
		r.Gen = sl.gen
		if r.State == slotFull && sl.pending > 0 {
			// Its last records are not committed yet: recovery must still
			// scan it, so it stays open on disk until they are.
			r.State = slotOpen
			s.dirty[sl] = struct{}{}
		}
		states = append(states, slotPut{uint32(sl.num), r})
	}
	seq := s.seq
	s.mu.Unlock()

	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, p := range batch {
			if err := putEntry(tx, p.camera, &p.e); err != nil {
				return err
			}
		}
		pb := tx.Bucket(bucketParams)
		for id, enc := range params {
			if err := pb.Put(u32key(id), enc); err != nil {
				return err
			}
		}
		sb := tx.Bucket(bucketSlots)
		for _, st := range states {
			if err := sb.Put(u32key(st.num), st.rec.encode()); err != nil {
				return err
			}
		}
		if err := putEvents(tx, events); err != nil {
			return err
		}
		return putSeq(tx, seq)
	})
	if err != nil {
		s.setFault(fmt.Errorf("commit index: %w", err), "")
		return fmt.Errorf("ring: commit index: %w", ErrFault)
	}
	s.mu.Lock()
	s.counters.syncs++
	s.mu.Unlock()
	return nil
}

func putEvents(tx *bolt.Tx, events []Event) error {
	b := tx.Bucket(bucketEvents)
	for _, ev := range events {
		v, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		k := append(u64bytes(uint64(ev.Time.UnixNano())), u64bytes(ev.seq)...)
		if err := b.Put(k, v); err != nil {
			return err
		}
	}
	return nil
}
