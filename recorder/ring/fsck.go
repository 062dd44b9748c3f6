package ring

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
)

// Report is the outcome of a full check of a volume.
type Report struct {
	Slots        int
	RecordsOK    int // valid records of the slots' current generation
	Corrupt      int // damaged stretches followed by valid records (skipped)
	TornTails    int // damaged stretches after a slot's last valid record (cut)
	IndexEntries int
	Missing      int // valid committed records the index lacks
	Dangling     int // index entries without a valid record behind them
	Rebuilt      bool
	Problems     []string // the first few findings, for humans
}

// Clean reports whether slots and index agree and no record is damaged.
// Torn tails are expected after a power cut and are not a problem.
func (r *Report) Clean() bool {
	return r.Corrupt == 0 && r.Missing == 0 && r.Dangling == 0 && len(r.Problems) == 0
}

func (r *Report) problem(format string, args ...any) {
	if len(r.Problems) < 50 {
		r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
	}
}

// FsckOptions tune Fsck.
type FsckOptions struct {
	Rebuild bool // recreate index.db from the slots alone (events are kept when readable)
	Logger  *slog.Logger
}

// Fsck checks a volume that is not open: every record of every slot and
// the index against them. With Rebuild it first recreates the index from
// the slots.
func Fsck(dir string, opt FsckOptions) (Report, error) {
	log := opt.Logger
	if log == nil {
		log = slog.Default()
	}
	// An index written by an older firmware is migrated first, as Open
	// would, so that fsck checks what the daemon will read.
	if err := upgradeVolume(dir, log); err != nil {
		return Report{}, err
	}
	sb, err := readSuperblock(dir)
	if err != nil {
		return Report{}, err
	}
	files := make([]File, sb.SlotCount)
	defer func() {
		for _, f := range files {
			if f != nil {
				f.Close()
			}
		}
	}()
	for i := range files {
		f, err := os.Open(slotPath(dir, i))
		if err != nil {
			return Report{}, fmt.Errorf("ring: fsck: open slot %d: %w", i, err)
		}
		files[i] = f
	}
	path := filepath.Join(dir, indexName)
	var rep Report
	if opt.Rebuild {
		if err := rebuildFile(dir, sb, files, log); err != nil {
			return Report{}, err
		}
		rep.Rebuilt = true
	}
	db, fresh, err := openIndex(path, sb.UUID, true)
	if err != nil {
		return rep, err
	}
	defer db.Close()
	if fresh {
		return rep, fmt.Errorf("ring: fsck %s: index has no volume meta (run with Rebuild): %w", dir, ErrWrongVolume)
	}
	r, _, err := checkVolume(sb, files, db)
	r.Rebuilt = rep.Rebuilt
	return r, err
}

// rebuildFile writes a new index beside the old one and swaps it in.
func rebuildFile(dir string, sb *superblock, files []File, log *slog.Logger) error {
	path := filepath.Join(dir, indexName)
	tmp := path + ".rebuild"
	os.Remove(tmp)
	db, _, err := openIndex(tmp, sb.UUID, false)
	if err != nil {
		return err
	}
	rep, err := rebuildInto(db, sb, files, log)
	if err == nil {
		err = copyEvents(path, sb.UUID, db)
		if err != nil {
			log.Warn("ring: rebuild: old index events not kept", "err", err)
			err = nil
		}
	}
	if err == nil {
		err = db.Update(func(tx *bolt.Tx) error {
			return putEvents(tx, []Event{{Time: sb.Created, Kind: "index-rebuilt",
				Message: fmt.Sprintf("index rebuilt from slots: %d records, %d corrupt, %d torn tails", rep.RecordsOK, rep.Corrupt, rep.TornTails)}})
		})
	}
	if cerr := db.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("ring: rebuild index: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("ring: rebuild index: %w", err)
	}
	return syncDir(dir)
}

// copyEvents carries the events of a readable old index of this volume.
func copyEvents(oldPath string, uuid volumeID, dst *bolt.DB) error {
	if _, err := os.Stat(oldPath); err != nil {
		return nil
	}
	old, fresh, err := openIndex(oldPath, uuid, true)
	if err != nil {
		return err
	}
	defer old.Close()
	if fresh {
		return nil
	}
	return old.View(func(otx *bolt.Tx) error {
		return dst.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketEvents)
			return otx.Bucket(bucketEvents).ForEach(func(k, v []byte) error { return b.Put(k, v) })
		})
	})
}

// rebuildInto fills db (whose records, params and slot states are
// discarded) from the slots alone. Every slot with records becomes full:
// cameras start fresh slots afterwards.
func rebuildInto(db *bolt.DB, sb *superblock, files []File, log *slog.Logger) (Report, error) {
	rep := Report{Slots: len(files)}
	err := db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketRecords, bucketParams, bucketSlots, bucketMeta} {
			if tx.Bucket(name) != nil {
				if err := tx.DeleteBucket(name); err != nil {
					return err
				}
			}
		}
		return initIndex(tx, sb.UUID)
	})
	if err != nil {
		return rep, err
	}
	var maxSeq uint64
	for i, f := range files {
		st := slotRecord{State: slotFree}
		h, herr := readSlotHeader(f)
		if herr == nil && h.UUID != sb.UUID {
			herr = fmt.Errorf("slot header names volume %s: %w", h.UUID, ErrWrongVolume)
		}
		var entries []pendingEntry
		params := map[uint32][]byte{}
		var events []Event
		if herr != nil {
			rep.problem("slot %d: %v", i, herr)
			log.Warn("ring: rebuild: slot header unreadable, slot treated as free", "slot", i, "err", herr)
		} else {
			st.Gen, st.OpenedAt = h.Gen, h.OpenedAt
		}
		if herr == nil && h.Camera != "" {
			res, err := scanSlot(f, sb.SlotSize, h.Gen, slotHeaderSize, func(off int64, rh *recordHeader, payload []byte) error {
				maxSeq = max(maxSeq, rh.Seq)
				switch rh.Kind {
				case kindParams:
					params[rh.ParamsID] = append([]byte(nil), payload...)
				case kindVideo:
					e := entryFromHeader(uint32(i), off, rh)
					entries = append(entries, pendingEntry{camera: h.Camera, e: e})
					if st.First == 0 || e.Start < st.First {
						st.First = e.Start
					}
					st.Last = max(st.Last, e.end())
				}
				return nil
			})
			if err != nil {
				return rep, fmt.Errorf("scan slot %d: %w", i, err)
			}
			rep.RecordsOK += res.Records
			rep.Corrupt += len(res.Corrupt)
			for _, b := range res.Corrupt {
				events = append(events, Event{Time: sb.Created, Kind: "corrupt-record", Camera: h.Camera,
					Message: fmt.Sprintf("slot %d bytes %d-%d: %s; skipped", i, b.Off, b.End, b.Reason)})
			}
			if res.Torn != nil {
				rep.TornTails++
			}
			if res.Records > 0 {
				st.State, st.Camera, st.Off = slotFull, h.Camera, res.Tail
			}
		}
		err := db.Update(func(tx *bolt.Tx) error {
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
			if err := putEvents(tx, events); err != nil {
				return err
			}
			if err := putSeq(tx, maxSeq); err != nil {
				return err
			}
			return tx.Bucket(bucketSlots).Put(u32key(uint32(i)), st.encode())
		})
		if err != nil {
			return rep, fmt.Errorf("index slot %d: %w", i, err)
		}
	}
	log.Info("ring: index rebuilt from slots", "records", rep.RecordsOK, "corrupt", rep.Corrupt, "torn", rep.TornTails)
	return rep, nil
}

// Verify syncs, then checks every record of every slot and the index
// against them (see Fsck). Damaged records found are logged as events.
// It holds slot hand-over for its duration: a maintenance operation.
func (s *Store) Verify() (Report, error) {
	if err := s.Sync(); err != nil && !errors.Is(err, ErrFault) {
		return Report{}, err
	}
	s.commitMu.Lock()
	rep, spans, err := checkVolume(s.sb, s.files(), s.db)
	s.commitMu.Unlock()
	for _, sp := range spans {
		s.AddEvent("corrupt-record", sp.camera, fmt.Sprintf("slot %d bytes %d-%d: %s", sp.slot, sp.Off, sp.End, sp.Reason))
	}
	return rep, err
}

type slotSpan struct {
	badSpan
	slot   int
	camera string
}

// checkVolume scans all slots and compares them with the index.
func checkVolume(sb *superblock, files []File, db *bolt.DB) (Report, []slotSpan, error) {
	rep := Report{Slots: len(files)}
	var spans []slotSpan
	type loc struct {
		slot int
		off  int64
	}
	valid := map[loc]uint64{} // committed valid video records -> seq
	headers := make([]*slotHeader, len(files))
	states := make([]slotRecord, len(files))
	err := db.View(func(tx *bolt.Tx) error {
		sbk := tx.Bucket(bucketSlots)
		for i := range files {
			if v := sbk.Get(u32key(uint32(i))); v != nil {
				st, err := decodeSlotRecord(v)
				if err != nil {
					rep.problem("slot %d state: %v", i, err)
				}
				states[i] = st
			}
		}
		for i, f := range files {
			h, err := readSlotHeader(f)
			if err != nil {
				if states[i].State != slotFree {
					rep.problem("slot %d: %v", i, err)
				}
				continue
			}
			headers[i] = h
			if states[i].State != slotFree && states[i].Gen != h.Gen {
				rep.problem("slot %d: index says generation %d, header %d", i, states[i].Gen, h.Gen)
			}
			if h.Camera == "" {
				continue
			}
			limit := states[i].Off
			res, err := scanSlot(f, sb.SlotSize, h.Gen, slotHeaderSize, func(off int64, rh *recordHeader, _ []byte) error {
				if rh.Kind == kindVideo && off < limit && states[i].State != slotFree {
					valid[loc{i, off}] = rh.Seq
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("scan slot %d: %w", i, err)
			}
			rep.RecordsOK += res.Records
			rep.Corrupt += len(res.Corrupt)
			for _, b := range res.Corrupt {
				rep.problem("slot %d bytes %d-%d: %s", i, b.Off, b.End, b.Reason)
				spans = append(spans, slotSpan{b, i, h.Camera})
			}
			if res.Torn != nil {
				rep.TornTails++
			}
		}
		seen := map[loc]bool{}
		err := tx.Bucket(bucketRecords).ForEachBucket(func(cam []byte) error {
			return tx.Bucket(bucketRecords).Bucket(cam).ForEach(func(k, v []byte) error {
				rep.IndexEntries++
				e, err := decodeEntry(k, v)
				if err != nil {
					rep.Dangling++
					rep.problem("camera %s: %v", cam, err)
					return nil
				}
				l := loc{int(e.Slot), e.Off}
				seq, ok := valid[l]
				if !ok || seq != e.Seq || int(e.Slot) >= len(headers) || headers[e.Slot] == nil || headers[e.Slot].Gen != e.Gen {
					rep.Dangling++
					rep.problem("camera %s: entry at slot %d offset %d (gen %d) has no valid record", cam, e.Slot, e.Off, e.Gen)
					return nil
				}
				seen[l] = true
				return nil
			})
		})
		if err != nil {
			return err
		}
		for l := range valid {
			if !seen[l] {
				rep.Missing++
				rep.problem("slot %d offset %d: record not in index", l.slot, l.off)
			}
		}
		return nil
	})
	if err != nil {
		return rep, spans, fmt.Errorf("ring: check volume: %w", err)
	}
	return rep, spans, nil
}
