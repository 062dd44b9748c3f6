package ring

import (
	"errors"
	"fmt"

	"path/filepath"
	"sort"
	"sync"
	"syscall"
	"time"
)

// latencyWindow is how far back write and sync latencies are kept for the
// p99 the disk health monitor watches; latencyCap bounds the memory.
const (
	latencyWindow = time.Minute
	latencyCap    = 4096
)

// ioStats times the disk operations of the write path, and knows which are
// still in flight, so a disk that hangs (rather than fails) shows up too.
type ioStats struct {
	mu       sync.Mutex
	writes   []sample
	syncs    []sample
	nextID   uint64
	inFlight map[uint64]time.Time
}

type sample struct {
	at  time.Time
	dur time.Duration
}

type opKind int

const (
	opWrite opKind = iota
	opSync
)

// begin marks an operation as started; the returned func ends it.
func (st *ioStats) begin(kind opKind) func() {
	start := time.Now()
	st.mu.Lock()
	if st.inFlight == nil {
		st.inFlight = map[uint64]time.Time{}
	}
	st.nextID++
	id := st.nextID
	st.inFlight[id] = start
	st.mu.Unlock()
	return func() {
		end := time.Now()
		st.mu.Lock()
		defer st.mu.Unlock()
		delete(st.inFlight, id)
		s := sample{at: end, dur: end.Sub(start)}
		if kind == opWrite {
			st.writes = addSample(st.writes, s)
		} else {
			st.syncs = addSample(st.syncs, s)
		}
	}
}

func addSample(ss []sample, s sample) []sample {
	if len(ss) >= latencyCap {
		copy(ss, ss[1:])
		ss = ss[:len(ss)-1]
	}
	return append(ss, s)
}

// IOStats are the write path's disk timings over the last minute.
type IOStats struct {
	Writes, Syncs     int           // operations finished in the window
	WriteP99, SyncP99 time.Duration // 99th percentile latency in the window
	WriteMax, SyncMax time.Duration
	// StuckFor is how long the oldest unfinished write or sync has been
	// running (0 if none): a hung disk never returns an error.
	StuckFor time.Duration
}

func (st *ioStats) snapshot(now time.Time) IOStats {
	st.mu.Lock()
	defer st.mu.Unlock()
	var out IOStats
	out.Writes, out.WriteP99, out.WriteMax = p99(st.writes, now)
	out.Syncs, out.SyncP99, out.SyncMax = p99(st.syncs, now)
	for _, t := range st.inFlight {
		out.StuckFor = max(out.StuckFor, now.Sub(t))
	}
	return out
}

func p99(ss []sample, now time.Time) (n int, p, mx time.Duration) {
	var ds []time.Duration
	for _, s := range ss {
		if now.Sub(s.at) <= latencyWindow {
			ds = append(ds, s.dur)
		}
	}
	if len(ds) == 0 {
		return 0, 0, 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	i := (len(ds)*99 + 99) / 100
	return len(ds), ds[min(i, len(ds))-1], ds[len(ds)-1]
}

// IOStats returns the write path's latencies over the last minute.
func (s *Store) IOStats() IOStats { return s.io.snapshot(time.Now()) }

// Fault returns the error that stopped writing, wrapped in ErrFault, or nil.
func (s *Store) Fault() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fault == nil {
		return nil
	}
	return fmt.Errorf("%w: %v", ErrFault, s.fault)
}

// Fail puts the store in the fault state from outside: the supervisor
// uses it when the data folder vanished under the open files (writes to
// unlinked files succeed, so the ring itself would never notice) or a disk
// operation hangs.
func (s *Store) Fail(reason error) { s.setFault(reason, "") }

// faultReason words a disk error for people: a full disk says so.
func faultReason(err error) error {
	if errors.Is(err, syscall.ENOSPC) {
		return fmt.Errorf("disk full: %w", err)
	}
	if errors.Is(err, syscall.EIO) {
		return fmt.Errorf("disk I/O error: %w", err)
	}
	return err
}

// Dir is the volume's folder.
func (s *Store) Dir() string { return s.dir }

// UUID is the volume's identity.
func (s *Store) UUID() string { return s.sb.UUID.String() }

// ReadVolumeID reads the UUID of the volume in dir without opening it, so
// a supervisor can make sure a folder that came back is the same volume
// before writing to it. A folder without a superblock (an empty mount
// point) gives ErrNotVolume.
func ReadVolumeID(dir string) (string, error) {
	sb, err := readSuperblock(dir)
	if err != nil {
		return "", err
	}
	return sb.UUID.String(), nil
}

// SuperblockPath is the file whose identity shows the volume is still the
// one mounted at its folder.
func SuperblockPath(dir string) string { return filepath.Join(dir, superblockName) }
