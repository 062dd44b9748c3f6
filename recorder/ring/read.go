package ring

import (
	"errors"
	"fmt"
	"io"
	"time"

	bolt "go.etcd.io/bbolt"
	"skyguard/recorder/media"
)

// Run is a stretch of continuous recording of one camera.
type Run struct {
	Start, End    time.Time
	Codec         media.Codec
	Width, Height int
}

// runGap is the largest hole between records that still counts as one run.
const runGap = time.Second

// lookBack bounds how far before a range start a record overlapping it
// can begin (records are at most maxRecordDur plus one frame long).
const lookBack = 2 * maxRecordDur

// maxListed bounds the entries one query walks.
const maxListed = 1 << 20

// listEntries returns the camera's entries overlapping [from, to), oldest
// first.
func (s *Store) listEntries(camera string, from, to int64) ([]entry, error) {
	var out []entry
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRecords).Bucket([]byte(camera))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		seek := max(from-int64(lookBack), 0)
		for k, v := c.Seek(u64bytes(uint64(seek))); k != nil && len(out) < maxListed; k, v = c.Next() {
			e, err := decodeEntry(k, v)
			if err != nil {
				continue
			}
			if e.Start >= to {
				break
			}
			if e.end() > from || e.Start >= from {
				out = append(out, e)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ring: list %s: %w", camera, err)
	}
	return out, nil
}

// Runs lists the camera's continuous recordings overlapping [from, to).
// Records join a run when each starts within 1 s of the previous end and
// is not marked as a new run (reconnect, timestamp jump); the space
// between runs is a gap on the timeline.
func (s *Store) Runs(camera string, from, to time.Time) ([]Run, error) {
	es, err := s.listEntries(camera, unixNano(from), unixNano(to))
	if err != nil {
		return nil, err
	}
	var runs []Run
	var lastEnd int64
	pcache := map[uint32]*media.Params{}
	for i, e := range es {
		if i == 0 || e.Flags&flagNewRun != 0 || e.Start-lastEnd > int64(runGap) || e.Start < lastEnd-int64(runGap) {
			r := Run{Start: time.Unix(0, e.Start)}
			p, ok := pcache[e.ParamsID]
			if !ok {
				p = s.decodedParams(e.ParamsID)
				pcache[e.ParamsID] = p
			}
			if p != nil {
				r.Codec, r.Width, r.Height = p.Codec, p.Width, p.Height
			}
			runs = append(runs, r)
		}
		lastEnd = max(lastEnd, e.end())
		runs[len(runs)-1].End = time.Unix(0, lastEnd)
	}
	return runs, nil
}

// Clip is a playable stretch of one camera: samples located in Data.
type Clip struct {
	Params  media.Params
	Start   time.Time      // wall time of the first sample
	Samples []media.Sample // PTS relative to Start; Off into Data
	Data    io.ReaderAt    // a *ClipData
	Size    int64          // bytes in Data
}

// Clip gathers the camera's frames for [from, to]: from the latest
// keyframe at or before from, through the last frame at or before to.
// Only the records' frame tables are read; frame bytes stay on disk and
// are read through Data. The clip stops early where the codec params
// change (the caller asks again from the returned clip's end for the rest).
// A record whose header or frame table is damaged is skipped, with an
// event, up to the next keyframe. ErrNotFound if nothing is recorded.
func (s *Store) Clip(camera string, from, to time.Time) (*Clip, error) {
	f, t := unixNano(from), unixNano(to)
	if t < f {
		return nil, fmt.Errorf("ring: clip %s: range ends before it starts", camera)
	}
	es, err := s.clipEntries(camera, f, t)
	if err != nil {
		return nil, err
	}
	data := &ClipData{s: s}
	clip := &Clip{Data: data}
	var paramsID uint32
	var startWall int64
	type placed struct {
		e      entry
		frames []frameEntry
		first  int // index of its first sample
	}
	var recs []placed
	skipping := false
	for _, e := range es {
		if skipping && e.Flags&flagContinuation != 0 {
			continue
		}
		skipping = false
		if paramsID != 0 && e.ParamsID != paramsID {
			break
		}
		frames, dataOff, err := s.readFrameTable(&e)
		if errors.Is(err, ErrGone) {
			if len(recs) == 0 {
				continue // reclaimed under us: start at what is still there
			}
			break
		}
		if err != nil {
			s.log.Warn("ring: damaged record skipped in clip", "camera", camera, "slot", e.Slot, "off", e.Off, "err", err)
			s.AddEvent("corrupt-record", camera, fmt.Sprintf("slot %d offset %d: %v; skipped", e.Slot, e.Off, err))
			skipping = true
			continue
		}
		if len(recs) == 0 {
			if e.Flags&flagContinuation != 0 {
				continue
			}
			p := s.decodedParams(e.ParamsID)
			if p == nil {
				return nil, fmt.Errorf("ring: clip %s: params %d of record missing from index: %w", camera, e.ParamsID, ErrCorrupt)
			}
			clip.Params = *p
			paramsID = e.ParamsID
			startWall = e.Start
			clip.Start = time.Unix(0, startWall)
		}
		first := len(clip.Samples)
		ext := extent{slot: s.slots[e.Slot], gen: e.Gen, fileOff: e.Off + dataOff, clipOff: clip.Size}
		for _, fr := range frames {
			wall := e.Start + fr.PTS
			if wall > t {
				break
			}
			clip.Samples = append(clip.Samples, media.Sample{
				PTS: time.Duration(wall - startWall), Dur: time.Duration(fr.Dur), Key: fr.Key,
				Off: clip.Size, Size: fr.Size,
			})
			clip.Size += int64(fr.Size)
			ext.size += int64(fr.Size)
		}
		if len(clip.Samples) == first {
			break
		}
		data.extents = append(data.extents, ext)
		recs = append(recs, placed{e: e, frames: frames[:len(clip.Samples)-first], first: first})
	}
	if len(clip.Samples) == 0 {
		return nil, fmt.Errorf("ring: clip %s %s..%s: %w", camera, from.Format(time.RFC3339), to.Format(time.RFC3339), ErrNotFound)
	}
	spans := make([]recordSpan, len(recs))
	for i, r := range recs {
		spans[i] = recordSpan{first: r.first, n: len(r.frames), contiguous: r.e.Flags&flagNewRun == 0}
	}
	clipDurations(clip.Samples, spans)
	data.size = clip.Size
	return clip, nil
}

// clipEntries finds the records for a clip: from the latest record that
// starts a GOP at or before from and still reaches into the range.
func (s *Store) clipEntries(camera string, from, to int64) ([]entry, error) {
	var out []entry
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRecords).Bucket([]byte(camera))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		k, v := c.Seek(u64bytes(uint64(max(from+1, 0))))
		if k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		// Walk back over continuation records to the GOP start (bounded).
		for i := 0; k != nil && i < 10000; i++ {
			e, err := decodeEntry(k, v)
			if err == nil && e.Flags&flagContinuation == 0 {
				break
			}
			k, v = c.Prev()
		}
		if k == nil {
			k, v = c.First()
		}
		for ; k != nil && len(out) < maxListed; k, v = c.Next() {
			e, err := decodeEntry(k, v)
			if err != nil {
				continue
			}
			if e.Start > to {
				break
			}
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ring: clip %s: %w", camera, err)
	}
	// Drop GOPs that end before the range.
	i := 0
	for i < len(out) && out[i].end() <= from && out[i].Start < from {
		i++
	}
	if i == len(out) {
		return nil, nil
	}
	for i > 0 && out[i].Flags&flagContinuation != 0 {
		i--
	}
	return out[i:], nil
}

// readFrameTable reads a record's header and frame table and checks them
// against the index entry; it returns the frame data offset in the record.
func (s *Store) readFrameTable(e *entry) ([]frameEntry, int64, error) {
	if int(e.Slot) >= len(s.slots) || e.Frames == 0 || e.Frames > 1<<20 {
		return nil, 0, fmt.Errorf("index entry slot %d frames %d: %w", e.Slot, e.Frames, ErrCorrupt)
	}
	sl := s.slots[e.Slot]
	tl := int64(e.Frames)*frameEntrySize + tableCRCSize
	buf := make([]byte, recordHeaderSize+tl)
	sl.pin.RLock()
	if sl.gen != e.Gen {
		sl.pin.RUnlock()
		return nil, 0, fmt.Errorf("slot %d generation %d, want %d: %w", e.Slot, sl.gen, e.Gen, ErrGone)
	}
	_, err := sl.f.ReadAt(buf, e.Off)
	sl.pin.RUnlock()
	if err != nil {
		return nil, 0, fmt.Errorf("read slot %d at %d: %w", e.Slot, e.Off, err)
	}
	h, err := parseRecordHeader(buf)
	if err != nil {
		return nil, 0, err
	}
	if h.Kind != kindVideo || h.Gen != e.Gen || h.Seq != e.Seq || h.Frames != e.Frames || h.Start != e.Start {
		return nil, 0, fmt.Errorf("record does not match its index entry: %w", ErrCorrupt)
	}
	frames, dataOff, err := decodeFrameTable(buf[recordHeaderSize:], int(h.Frames))
	if err != nil {
		return nil, 0, err
	}
	var total int64
	for _, f := range frames {
		total += int64(f.Size)
	}
	if recordHeaderSize+int64(dataOff)+total != int64(e.Len) {
		return nil, 0, fmt.Errorf("frame sizes do not fill the record: %w", ErrCorrupt)
	}
	return frames, recordHeaderSize + int64(dataOff), nil
}

// recordSpan places one record's frames in a clip's sample table;
// contiguous says whether it continues the record before it (no new run).
type recordSpan struct {
	first, n   int
	contiguous bool
}

// clipDurations makes the sample durations play back in wall-clock time.
// Within a record, frames are spaced by the camera's own timestamps; when
// the next record follows on, the record's durations are stretched or
// shrunk together so that it ends exactly where the next one starts on the
// wall clock. The camera clock and the box clock never agree perfectly, and
// putting the whole difference on the last frame of each GOP would give
// frames of almost no length (players then drop or repeat them). Sample
// PTS are then the running sum of durations, so they never go back; a gap
// inside the range (camera down) is closed up in the export.
func clipDurations(smp []media.Sample, recs []recordSpan) {
	joined := make([]bool, len(recs)) // record i follows on from record i-1
	for i, r := range recs {
		last := r.first + r.n - 1
		if r.n > 1 {
			smp[last].Dur = smp[last].PTS - smp[last-1].PTS
		}
		if i+1 >= len(recs) || !recs[i+1].contiguous {
			continue
		}
		span := smp[recs[i+1].first].PTS - smp[r.first].PTS
		var sum time.Duration
		for j := r.first; j <= last; j++ {
			sum += max(smp[j].Dur, 0)
		}
		// Only a plausible clock difference is spread; anything else is a
		// hole (a damaged record skipped, a lost stretch) and the record
		// keeps its own timing.
		if span <= 0 || sum <= 0 || span > sum*3/2 || span < sum/2 {
			continue
		}
		joined[i+1] = true
		var acc time.Duration
		for j := r.first; j <= last; j++ {
			d := time.Duration(float64(max(smp[j].Dur, 0)) * float64(span) / float64(sum))
			if j == last {
				d = span - acc
			}
			smp[j].Dur = d
			acc += d
		}
	}
	// PTS follow the durations within a stretch of joined records and
	// restart from the wall clock after a hole, so they still tell when
	// each frame was recorded; they never go back.
	var t time.Duration
	for i, r := range recs {
		if i > 0 && !joined[i] {
			t = max(t, smp[r.first].PTS)
		}
		for j := r.first; j < r.first+r.n; j++ {
			smp[j].Dur = max(smp[j].Dur, 0)
			smp[j].PTS = t
			t += smp[j].Dur
		}
	}
}
