package ring

import (
	"bytes"
	"fmt"
	"sync"
	"time"

	"skyguard/recorder/media"
)

// A GOP is split into several records past these limits, so that a camera
// with a huge or missing keyframe interval still lands on disk regularly
// and no record approaches the slot size.
const maxRecordDur = 10 * time.Second

// camState is one camera's writer: its current slot and buffered GOP.
type camState struct {
	name string
	hash uint32

	mu         sync.Mutex
	slot       *slot
	slotParams uint32 // params id last written into the current slot; 0 = none

	params    *media.Params // last params pointer seen
	paramsID  uint32
	paramsEnc []byte
	synced    bool   // a keyframe was seen since start / new run / params change
	nextFlags uint16 // flags for the next record started

	// Buffered record.
	frames    []frameEntry
	data      []byte
	firstPTS  time.Duration
	lastPTS   time.Duration
	firstWall time.Time
	recFlags  uint16
	recParams uint32
	lastDur   uint32 // last frame duration written: a lone frame's best guess
	out       []byte // reused to assemble what goes in one pwrite
}

func (s *Store) cam(name string) *camState {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cams[name]
	if c == nil {
		c = &camState{name: name, hash: cameraHash(name)}
		s.cams[name] = c
	}
	return c
}

func (s *Store) faultErr() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fault != nil {
		return fmt.Errorf("%w: %v", ErrFault, s.fault)
	}
	if s.closed {
		return fmt.Errorf("ring: store closed")
	}
	return nil
}

// Append adds one access unit of a camera. Frames are buffered until the
// GOP ends (next keyframe, new run, params change or split limit), then
// written as one record with one pwrite. Frames before the first keyframe
// of a run are dropped. Safe for concurrent use by many cameras.
func (s *Store) Append(camera string, au *media.AccessUnit) error {
	if camera == "" || len(camera) > maxCameraID {
		return fmt.Errorf("ring: append: camera id %q must be 1..%d bytes", camera, maxCameraID)
	}
	if au == nil || au.Params == nil {
		return fmt.Errorf("ring: append %s: access unit without params", camera)
	}
	c := s.cam(camera)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := s.faultErr(); err != nil {
		return fmt.Errorf("ring: append %s: %w", camera, err)
	}
	paramsChanged := false
	if au.Params != c.params {
		if c.params == nil || !c.params.Equal(au.Params) {
			enc := encodeParams(au.Params)
			if !bytes.Equal(enc, c.paramsEnc) {
				c.paramsEnc = enc
				c.paramsID = s.registerParams(enc)
				paramsChanged = true
			}
		}
		c.params = au.Params
	}
	if au.NewRun || paramsChanged {
		if err := s.writeBuffered(c, nil); err != nil {
			return err
		}
		c.synced = false
		if au.NewRun {
			c.nextFlags |= flagNewRun
		}
	}
	if !c.synced {
		if !au.Key {
			s.mu.Lock()
			s.counters.dropped++
			s.mu.Unlock()
			return nil
		}
		c.synced = true
	}
	size := 0
	for _, n := range au.NALUs {
		size += 4 + len(n)
	}
	if len(c.frames) > 0 {
		switch {
		case au.Key:
			pts := au.PTS
			if err := s.writeBuffered(c, &pts); err != nil {
				return err
			}
		case au.PTS-c.firstPTS >= s.opt.MaxBuffered || int64(len(c.data)+size) > s.sb.SlotSize/4:
			pts := au.PTS
			if err := s.writeBuffered(c, &pts); err != nil {
				return err
			}
			c.nextFlags |= flagContinuation
		}
	}
	if len(c.frames) == 0 {
		c.firstPTS, c.firstWall = au.PTS, au.Wall
		c.recFlags, c.nextFlags = c.nextFlags, 0
		if au.Key {
			c.recFlags &^= flagContinuation
		} else {
			c.recFlags |= flagContinuation
		}
		c.recParams = c.paramsID
	}
	pts := au.PTS - c.firstPTS
	if pts < 0 {
		pts = 0 // PTS went backwards inside a GOP: keep order, never a negative offset
	}
	c.frames = append(c.frames, frameEntry{PTS: int64(pts), Size: uint32(size), Key: au.Key})
	for _, n := range au.NALUs {
		l := len(n)
		c.data = append(c.data, byte(l>>24), byte(l>>16), byte(l>>8), byte(l))
		c.data = append(c.data, n...)
	}
	c.lastPTS = au.PTS
	return nil
}

// Flush writes the camera's buffered partial GOP, e.g. when it
// disconnects; the next Append starts a new record.
func (s *Store) Flush(camera string) error {
	s.mu.Lock()
	c := s.cams[camera]
	s.mu.Unlock()
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.frames) == 0 {
		return nil
	}
	if err := s.faultErr(); err != nil {
		return fmt.Errorf("ring: flush %s: %w", camera, err)
	}
	return s.writeBuffered(c, nil)
}

// registerParams returns the id for encoded params, probing past a CRC
// collision with different params.
func (s *Store) registerParams(enc []byte) uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := paramsID(enc)
	for i := 0; i < 1000; i++ {
		old, ok := s.params[id]
		if !ok {
			s.params[id] = enc
			s.pendingParams[id] = enc
			return id
		}
		if bytes.Equal(old, enc) {
			return id
		}
		id++
		if id == 0 {
			id = 1
		}
	}
	return id
}

// writeBuffered turns the buffered frames into one record and writes it
// (preceded by a params record when the slot lacks them) with one pwrite.
// next is the PTS of the frame that closes the GOP, if known: it gives the
// last frame its true duration. c.mu is held.
func (s *Store) writeBuffered(c *camState, next *time.Duration) error {
	n := len(c.frames)
	if n == 0 {
		return nil
	}
	defer func() {
		c.frames = c.frames[:0]
		c.data = c.data[:0]
	}()
	for i := 0; i < n-1; i++ {
		c.frames[i].Dur = clampDur(c.frames[i+1].PTS - c.frames[i].PTS)
	}
	switch {
	case next != nil:
		c.frames[n-1].Dur = clampDur(int64(*next-c.firstPTS) - c.frames[n-1].PTS)
	case n > 1:
		c.frames[n-1].Dur = c.frames[n-2].Dur
	default:
		c.frames[n-1].Dur = c.lastDur
	}
	c.lastDur = c.frames[n-1].Dur
	dur := c.frames[n-1].PTS + int64(c.frames[n-1].Dur)
	tableLen := n*frameEntrySize + tableCRCSize
	recLen := recordHeaderSize + tableLen + len(c.data)
	paramsEnc := s.paramsBytes(c.recParams)
	need := int64(recLen + recordHeaderSize + len(paramsEnc))
	if need > s.sb.SlotSize-slotHeaderSize {
		s.mu.Lock()
		s.counters.dropped += int64(n)
		s.mu.Unlock()
		s.AddEvent("record-too-big", c.name, fmt.Sprintf("dropped %d frames (%d bytes): larger than a slot", n, recLen))
		return nil
	}
	sl, err := s.ensureSlot(c, need)
	if err != nil {
		return fmt.Errorf("ring: write %s: %w", c.name, err)
	}
	s.mu.Lock()
	gen, off := sl.gen, sl.writeOff
	seq0 := s.seq + 1
	s.seq += 2
	s.mu.Unlock()

	out := c.out[:0]
	start := c.firstWall.UnixNano()
	wroteParams := c.slotParams != c.recParams
	if wroteParams {
		out = appendParamsRecord(out, paramsEnc, c.recParams, c.hash, gen, seq0, start)
	}
	recOff := len(out)
	out = append(out, make([]byte, recordHeaderSize)...)
	out = appendFrameTable(out, c.frames)
	out = append(out, c.data...)
	h := recordHeader{Kind: kindVideo, Flags: c.recFlags, CamHash: c.hash, Gen: gen, Seq: seq0 + 1,
		Start: start, Dur: dur, ParamsID: c.recParams, Frames: uint32(n), Len: uint32(len(out) - recOff - recordHeaderSize)}
	putRecordHeader(out[recOff:], &h)
	sealRecord(out[recOff:])
	c.out = out

	done := s.io.begin(opWrite)
	_, err = sl.f.WriteAt(out, off)
	done()
	if err != nil {
		s.setFault(fmt.Errorf("write slot %d at %d: %w", sl.num, off, err), c.name)
		return fmt.Errorf("ring: write %s to slot %d: %w", c.name, sl.num, ErrFault)
	}
	if wroteParams {
		c.slotParams = c.recParams
	}
	e := entryFromHeader(uint32(sl.num), off+int64(recOff), &h)
	s.mu.Lock()
	sl.writeOff = off + int64(len(out))
	sl.pending++
	if sl.rec.First == 0 || start < sl.rec.First {
		sl.rec.First = start
	}
	sl.rec.Last = max(sl.rec.Last, e.end())
	s.pendingEntries = append(s.pendingEntries, pendingEntry{camera: c.name, e: e})
	s.dirty[sl] = struct{}{}
	s.counters.bytesWritten += int64(len(out))
	s.counters.recordsWritten++
	s.mu.Unlock()
	return nil
}

func clampDur(d int64) uint32 {
	if d < 0 {
		return 0
	}
	if d > int64(^uint32(0)) {
		return ^uint32(0)
	}
	return uint32(d)
}

func (s *Store) paramsBytes(id uint32) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.params[id]
}

func (s *Store) setFault(err error, camera string) {
	s.mu.Lock()
	first := s.fault == nil
	if first {
		err = faultReason(err)
		s.fault = err
	}
	s.mu.Unlock()
	if first {
		s.log.Error("ring: disk fault, recording stopped", "err", err)
		s.AddEvent("disk-fault", camera, err.Error())
	}
}
