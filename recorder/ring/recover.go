package ring

import (
	"fmt"
	"sort"

	bolt "go.etcd.io/bbolt"
)

// recover re-scans the slots that were open for writing, from their last
// committed write offset, indexes the valid records found there and cuts
// the torn tail. Slots committed as full or free are not read.
func (s *Store) recover() error {
	var entries []pendingEntry
	params := map[uint32][]byte{}
	var touched []*slot
	for _, sl := range s.slots {
		if sl.rec.State != slotOpen {
			continue
		}
		touched = append(touched, sl)
		if err := s.checkOpenSlotHeader(sl); err != nil {
			return err
		}
		from := max(sl.rec.Off, slotHeaderSize)
		camera := sl.rec.Camera
		res, err := scanSlot(sl.f, s.sb.SlotSize, sl.gen, from, func(off int64, h *recordHeader, payload []byte) error {
			s.seq = max(s.seq, h.Seq)
			switch h.Kind {
			case kindParams:
				if _, ok := s.params[h.ParamsID]; !ok {
					enc := append([]byte(nil), payload...)
					s.params[h.ParamsID] = enc
					params[h.ParamsID] = enc
				}
			case kindVideo:
				e := entryFromHeader(uint32(sl.num), off, h)
				entries = append(entries, pendingEntry{camera: camera, e: e})
				if sl.rec.First == 0 || e.Start < sl.rec.First {
					sl.rec.First = e.Start
				}
				sl.rec.Last = max(sl.rec.Last, e.end())
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("scan slot %d: %w", sl.num, err)
		}
		for _, b := range res.Corrupt {
			msg := fmt.Sprintf("slot %d bytes %d-%d: %s; skipped", sl.num, b.Off, b.End, b.Reason)
			s.log.Warn("ring: corrupt record skipped during recovery", "slot", sl.num, "off", b.Off, "end", b.End, "reason", b.Reason)
			s.addEventLocked("corrupt-record", camera, msg)
		}
		if res.Torn != nil {
			msg := fmt.Sprintf("slot %d: torn tail at %d cut (%s)", sl.num, res.Torn.Off, res.Torn.Reason)
			s.log.Warn("ring: torn tail cut", "slot", sl.num, "off", res.Torn.Off)
			s.addEventLocked("torn-tail", camera, msg)
		}
		if res.Records > 0 || res.Torn != nil {
			s.log.Info("ring: recovered slot", "slot", sl.num, "camera", camera, "records", res.Records, "from", from, "tail", res.Tail)
			s.addEventLocked("recovered", camera, fmt.Sprintf("slot %d: %d records recovered past the last commit, write offset %d", sl.num, res.Records, res.Tail))
		}
		sl.rec.Off = res.Tail
		sl.writeOff = res.Tail
		if res.Records > 0 {
			// The records may still be only in the page cache (a process
			// crash, not a power cut): make them durable before indexing.
			if err := sl.f.Sync(); err != nil {
				return fmt.Errorf("fdatasync slot %d: %w", sl.num, err)
			}
		}
	}
	// A camera keeps writing into its newest open slot; older ones it
	// left behind without a commit are full.
	byCam := map[string][]*slot{}
	for _, sl := range touched {
		byCam[sl.rec.Camera] = append(byCam[sl.rec.Camera], sl)
	}
	for cam, sls := range byCam {
		sort.Slice(sls, func(i, j int) bool { return sls[i].rec.OpenedAt > sls[j].rec.OpenedAt })
		for _, sl := range sls[1:] {
			sl.rec.State = slotFull
		}
		c := &camState{name: cam, hash: cameraHash(cam), slot: sls[0]}
		s.cams[cam] = c
	}
	events := s.pendingEvents
	s.pendingEvents = nil
	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, p := range entries {
			if err := putEntry(tx, p.camera, &p.e); err != nil {
				return err
			}
		}
		for id, enc := range params {
			if err := tx.Bucket(bucketParams).Put(u32key(id), enc); err != nil {
				return err
			}
		}
		for _, sl := range touched {
			sl.rec.Gen = sl.gen
			if err := tx.Bucket(bucketSlots).Put(u32key(uint32(sl.num)), sl.rec.encode()); err != nil {
				return err
			}
		}
		if err := putEvents(tx, events); err != nil {
			return err
		}
		return putSeq(tx, s.seq)
	})
	if err != nil {
		return fmt.Errorf("commit recovered records: %w", err)
	}
	return nil
}

// checkOpenSlotHeader rewrites the header of an open slot whose header
// does not match the index: a crash between the hand-over commit and the
// header write.
func (s *Store) checkOpenSlotHeader(sl *slot) error {
	h, err := readSlotHeader(sl.f)
	if err == nil && h.Gen == sl.gen && h.Camera == sl.rec.Camera && h.UUID == s.sb.UUID {
		return nil
	}
	if err == nil && h.Gen > sl.gen {
		// Never reuse a generation the disk has already seen.
		sl.gen = h.Gen + 1
		sl.rec.Off = slotHeaderSize
		sl.rec.First, sl.rec.Last = 0, 0
	}
	nh := slotHeader{UUID: s.sb.UUID, Slot: uint32(sl.num), Gen: sl.gen, Camera: sl.rec.Camera, OpenedAt: sl.rec.OpenedAt}
	if _, err := sl.f.WriteAt(nh.encode(), 0); err != nil {
		return fmt.Errorf("rewrite slot %d header: %w", sl.num, err)
	}
	if err := sl.f.Sync(); err != nil {
		return fmt.Errorf("fdatasync slot %d header: %w", sl.num, err)
	}
	s.log.Warn("ring: slot header did not match the index, rewritten", "slot", sl.num, "gen", sl.gen)
	return nil
}
