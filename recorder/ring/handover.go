package ring

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// ensureSlot returns the camera's slot if it can take need more bytes,
// else marks it full and hands the camera another one. c.mu is held.
func (s *Store) ensureSlot(c *camState, need int64) (*slot, error) {
	s.mu.Lock()
	if sl := c.slot; sl != nil {
		if sl.writeOff+need <= s.sb.SlotSize {
			s.mu.Unlock()
			return sl, nil
		}
		sl.rec.State = slotFull
		c.slot = nil
		s.dirty[sl] = struct{}{} // its state must be committed
	}
	s.mu.Unlock()
	for try := 0; try < 3; try++ {
		sl, waitSync, err := s.handOver(c)
		if err != nil {
			return nil, err
		}
		if sl != nil {
			return sl, nil
		}
		if waitSync {
			// The oldest full slot still has uncommitted records: commit
			// them first so its entries can be dropped cleanly.
			if err := s.Sync(); err != nil {
				return nil, err
			}
		}
	}
	return nil, fmt.Errorf("hand over slot: %w", ErrNoSlot)
}

// pickSlot chooses a free slot, else the oldest full one. s.mu is held.
func (s *Store) pickSlot() *slot {
	var oldest *slot
	for _, sl := range s.slots {
		switch sl.rec.State {
		case slotFree:
			return sl
		case slotFull:
			if oldest == nil || sl.rec.Last < oldest.rec.Last ||
				(sl.rec.Last == oldest.rec.Last && sl.rec.OpenedAt < oldest.rec.OpenedAt) {
				oldest = sl
			}
		}
	}
	return oldest
}

// handOver gives the camera a slot: a free one, or the oldest full one
// reclaimed. Reclaim order matters for readers and crashes: the slot's
// index entries are deleted and its new generation committed first, then
// the generation is bumped in memory (waiting for readers holding the
// slot), then the header is rewritten and synced. Only then is the slot
// written. It returns waitSync when the chosen slot has uncommitted records.
func (s *Store) handOver(c *camState) (*slot, bool, error) {
	s.commitMu.Lock()
	defer s.commitMu.Unlock()
	s.mu.Lock()
	if s.fault != nil {
		s.mu.Unlock()
		return nil, false, fmt.Errorf("%w: %v", ErrFault, s.fault)
	}
	sl := s.pickSlot()
	if sl == nil {
		s.mu.Unlock()
		return nil, false, ErrNoSlot
	}
	if sl.pending > 0 {
		s.mu.Unlock()
		return nil, true, nil
	}
	old := sl.rec
	sl.rec.State = slotOpen // reserve it before dropping the lock
	s.mu.Unlock()

	gen := old.Gen
	if h, err := readSlotHeader(sl.f); err == nil && h.Gen > gen {
		gen = h.Gen
	}
	gen++
	now := s.opt.Now().UnixNano()
	rec := slotRecord{State: slotOpen, Gen: gen, OpenedAt: now, Off: slotHeaderSize, Camera: c.name}
	dropped := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		if old.Camera != "" && old.First != 0 {
			n, err := deleteSlotEntries(tx, old.Camera, uint32(sl.num), old.Gen, old.First, old.Last)
			if err != nil {
				return err
			}
			dropped = n
		}
		return tx.Bucket(bucketSlots).Put(u32key(uint32(sl.num)), rec.encode())
	})
	if err != nil {
		s.mu.Lock()
		sl.rec = old
		s.mu.Unlock()
		s.setFault(fmt.Errorf("reclaim slot %d: commit index: %w", sl.num, err), c.name)
		return nil, false, fmt.Errorf("reclaim slot %d: %w", sl.num, ErrFault)
	}
	sl.pin.Lock()
	s.mu.Lock()
	sl.gen = gen
	sl.rec = rec
	sl.writeOff = slotHeaderSize
	sl.pending = 0
	c.slot = sl
	c.slotParams = 0
	s.mu.Unlock()
	sl.pin.Unlock()

	hdr := slotHeader{UUID: s.sb.UUID, Slot: uint32(sl.num), Gen: gen, Camera: c.name, OpenedAt: now}
	if _, err := sl.f.WriteAt(hdr.encode(), 0); err != nil {
		s.setFault(fmt.Errorf("slot %d: write header: %w", sl.num, err), c.name)
		return nil, false, fmt.Errorf("slot %d header: %w", sl.num, ErrFault)
	}
	if err := sl.f.Sync(); err != nil {
		s.setFault(fmt.Errorf("slot %d: fdatasync header: %w", sl.num, err), c.name)
		return nil, false, fmt.Errorf("slot %d header: %w", sl.num, ErrFault)
	}
	if old.State == slotFull {
		s.log.Info("ring: reclaimed oldest slot", "slot", sl.num, "from_camera", old.Camera, "entries", dropped, "camera", c.name, "gen", gen)
	} else {
		s.log.Debug("ring: slot handed over", "slot", sl.num, "camera", c.name, "gen", gen)
	}
	return sl, false, nil
}
