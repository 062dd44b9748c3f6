package ring

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	"skyguard/recorder/media"
)

// Options tune an open store.
type Options struct {
	Logger       *slog.Logger
	SyncInterval time.Duration // how often Run syncs and commits; default 1 s
	// MaxBuffered is how long a camera's frames may wait in memory before
	// they are written, even mid-GOP (the rest of the GOP follows as a
	// continuation record). With SyncInterval it bounds what a power cut
	// loses: about MaxBuffered + SyncInterval. Default 1 s, at most 10 s.
	MaxBuffered time.Duration
	Now         func() time.Time // default time.Now; used for events and slot hand-over times
	// OpenFile opens the slot files; default OpenOSFile. Tests pass a
	// fault-injecting layer.
	OpenFile OpenFileFunc
}

// Store is an open volume: the slot ring plus its index.
//
// Lock order: camState.mu, then Store.commitMu, then Store.mu, then
// slot.pin. commitMu serialises index transactions that must agree with
// slot generations (the sync commit and slot hand-over).
type Store struct {
	dir   string
	sb    *superblock
	log   *slog.Logger
	opt   Options
	db    *bolt.DB
	slots []*slot

	commitMu sync.Mutex

	mu             sync.Mutex
	cams           map[string]*camState
	params         map[uint32][]byte // every params id known, committed or not
	pendingEntries []pendingEntry
	pendingParams  map[uint32][]byte
	pendingEvents  []Event
	dirty          map[*slot]struct{}
	seq            uint64
	eventSeq       uint64
	fault          error
	closed         bool
	counters       counters

	io ioStats // latencies of writes and syncs; own lock
}

type counters struct {
	bytesWritten   int64
	recordsWritten int64
	syncs          int64
	dropped        int64
}

type pendingEntry struct {
	camera string
	e      entry
}

// slot is one slot file and its live state.
type slot struct {
	num int
	f   File
	// pin is held shared by readers for the duration of a read and
	// exclusively while the slot changes generation, so a reader either
	// sees its generation intact or learns the data is gone.
	pin sync.RWMutex
	gen uint32 // written under pin (exclusive) and Store.mu

	// Guarded by Store.mu.
	rec      slotRecord // committed-state view; rec.Gen mirrors gen
	writeOff int64      // next write position
	pending  int        // records written but not yet committed
}

// Open opens a formatted volume, creating or checking its index, and
// recovers the records written since the last index commit.
func Open(dir string, opt Options) (*Store, error) {
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.SyncInterval <= 0 {
		opt.SyncInterval = time.Second
	}
	if opt.MaxBuffered <= 0 {
		opt.MaxBuffered = time.Second
	}
	opt.MaxBuffered = min(opt.MaxBuffered, maxRecordDur)
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.OpenFile == nil {
		opt.OpenFile = OpenOSFile
	}
	// Refuse a newer volume or index; migrate an older index (schema.go).
	if err := upgradeVolume(dir, opt.Logger); err != nil {
		return nil, err
	}
	sb, err := readSuperblock(dir)
	if err != nil {
		return nil, err
	}
	s := &Store{
		dir: dir, sb: sb, log: opt.Logger.With("volume", sb.UUID.String()), opt: opt,
		cams: map[string]*camState{}, params: map[uint32][]byte{}, pendingParams: map[uint32][]byte{},
		dirty: map[*slot]struct{}{},
	}
	if err := s.openSlots(); err != nil {
		s.closeFiles()
		return nil, err
	}
	indexPath := filepath.Join(dir, indexName)
	_, statErr := os.Stat(indexPath)
	db, fresh, err := openIndex(indexPath, sb.UUID, false)
	if err != nil {
		s.closeFiles()
		return nil, err
	}
	s.db = db
	if fresh {
		if statErr == nil {
			s.log.Warn("ring: index has no volume meta, rebuilding from slots")
		}
		if _, err := rebuildInto(db, sb, s.files(), s.log); err != nil {
			s.closeAll()
			return nil, fmt.Errorf("ring: open %s: build index: %w", dir, err)
		}
		s.addEventLocked("index-rebuilt", "", "index built from slots")
	}
	if err := s.load(); err != nil {
		s.closeAll()
		return nil, fmt.Errorf("ring: open %s: %w", dir, err)
	}
	if err := s.recover(); err != nil {
		s.closeAll()
		return nil, fmt.Errorf("ring: open %s: recover: %w", dir, err)
	}
	return s, nil
}

func (s *Store) openSlots() error {
	s.slots = make([]*slot, s.sb.SlotCount)
	for i := range s.slots {
		fi, err := os.Stat(slotPath(s.dir, i))
		if err != nil {
			return fmt.Errorf("ring: stat slot %d: %w", i, err)
		}
		f, err := s.opt.OpenFile(slotPath(s.dir, i))
		if err != nil {
			return fmt.Errorf("ring: open slot %d: %w", i, err)
		}
		s.slots[i] = &slot{num: i, f: f}
		if fi.Size() < s.sb.SlotSize {
			return fmt.Errorf("ring: slot %d is %d bytes, volume says %d: %w", i, fi.Size(), s.sb.SlotSize, ErrCorrupt)
		}
	}
	return nil
}

func (s *Store) files() []File {
	fs := make([]File, len(s.slots))
	for i, sl := range s.slots {
		fs[i] = sl.f
	}
	return fs
}

func (s *Store) closeFiles() error {
	var first error
	for _, sl := range s.slots {
		if sl != nil && sl.f != nil {
			if err := sl.f.Close(); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}

func (s *Store) closeAll() {
	s.closeFiles()
	if s.db != nil {
		s.db.Close()
	}
}

// load reads slot states, params and the sequence counter from the index.
func (s *Store) load() error {
	return s.db.View(func(tx *bolt.Tx) error {
		sb := tx.Bucket(bucketSlots)
		for _, sl := range s.slots {
			sl.rec = slotRecord{State: slotFree}
			if v := sb.Get(u32key(uint32(sl.num))); v != nil {
				r, err := decodeSlotRecord(v)
				if err != nil {
					return fmt.Errorf("slot %d state: %w", sl.num, err)
				}
				sl.rec = r
			}
			sl.gen = sl.rec.Gen
			sl.writeOff = max(sl.rec.Off, slotHeaderSize)
		}
		if err := tx.Bucket(bucketParams).ForEach(func(k, v []byte) error {
			if len(k) == 4 {
				s.params[u32(k)] = append([]byte(nil), v...)
			}
			return nil
		}); err != nil {
			return err
		}
		if v := tx.Bucket(bucketMeta).Get([]byte("seq")); len(v) == 8 {
			s.seq = u64(v)
		}
		if c := tx.Bucket(bucketEvents).Cursor(); c != nil {
			if k, _ := c.Last(); len(k) == 16 {
				s.eventSeq = u64(k[8:])
			}
		}
		return nil
	})
}

// Close makes everything written durable and closes the volume. Call it
// after Run has returned (or if Run was never started).
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	cams := s.cameraStates()
	s.mu.Unlock()
	var errs []error
	for _, c := range cams {
		if err := s.Flush(c.name); err != nil && !errors.Is(err, ErrFault) {
			errs = append(errs, err)
		}
	}
	if err := s.Sync(); err != nil {
		errs = append(errs, err)
	}
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.commitMu.Lock()
	defer s.commitMu.Unlock()
	if err := s.db.Close(); err != nil {
		errs = append(errs, fmt.Errorf("ring: close index: %w", err))
	}
	if err := s.closeFiles(); err != nil {
		errs = append(errs, fmt.Errorf("ring: close slots: %w", err))
	}
	return errors.Join(errs...)
}

// cameraStates lists camera states in name order; s.mu must be held.
func (s *Store) cameraStates() []*camState {
	cs := make([]*camState, 0, len(s.cams))
	for _, c := range s.cams {
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	return cs
}

// decodedParams returns the params for an id, or nil.
func (s *Store) decodedParams(id uint32) *media.Params {
	s.mu.Lock()
	enc := s.params[id]
	s.mu.Unlock()
	if enc == nil {
		return nil
	}
	p, err := decodeParams(enc)
	if err != nil {
		return nil
	}
	return p
}

func u32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func u64(b []byte) uint64 { return uint64(u32(b))<<32 | uint64(u32(b[4:])) }
