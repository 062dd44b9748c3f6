package export

import (
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"time"
)

// MP4 is a progressive MP4 file (moov first, then one mdat) whose bytes are
// produced on demand. ReadAt is safe for concurrent use if the clip's Data
// is; Read and Seek share one position and are not: to serve one MP4 to
// several HTTP requests, give each io.NewSectionReader(m, 0, m.Size()).
type MP4 struct {
	header   []byte  // ftyp, moov and the mdat box header
	chunks   []chunk // where mdat's payload comes from, in file order
	size     int64
	duration time.Duration
	data     io.ReaderAt
	pos      int64 // for Read and Seek
}

// chunk is a run of samples that are contiguous both in the mdat and in the
// clip's data, so one ReadAt on the source serves it.
type chunk struct {
	pos   int64 // offset within the mdat payload
	src   int64 // offset in Clip.Data
	size  int64
	first int // index of the first sample
	n     int // number of samples
}

// maxChunkSamples bounds a chunk so that players reading a chunk at a time
// (some do on seek) do not pull in many seconds of video at once.
const maxChunkSamples = 64

// NewMP4 validates the clip and builds the file's header. It reads none of
// the clip's data: that happens in ReadAt.
//
// The sample timeline comes from the samples' Dur (at 90 kHz, rounded on
// the running sum so the total is exact); PTS is only checked to never go
// back. No ctts is written: camera streams have no B-frames, so PTS equals
// DTS, and a clip whose PTS goes back is refused rather than misplayed.
func NewMP4(c Clip) (*MP4, error) {
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	entry, err := newSampleEntry(c.Params)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if entry.width <= 0 || entry.height <= 0 {
		entry.width, entry.height = c.Params.Width, c.Params.Height
	}
	if entry.width <= 0 || entry.width > math.MaxUint16 || entry.height <= 0 || entry.height > math.MaxUint16 {
		return nil, fmt.Errorf("export: bad picture size %dx%d", entry.width, entry.height)
	}

	chunks, payload := chunkSamples(c)
	m := &MP4{chunks: chunks, data: c.Data}
	for _, s := range c.Samples {
		m.duration += s.Dur
	}

	var w boxBuf
	w.b = make([]byte, 0, headerSizeHint(len(c.Samples), len(chunks)))
	writeFtyp(&w, entry.typ)
	co64 := writeMoov(&w, c, entry, chunks)

	// The mdat header size decides where the payload starts, and that
	// start is added to every co64 entry, which were written relative to
	// the payload: moov's size does not depend on their values.
	mdatHdr := 8
	if payload+8 > math.MaxUint32 {
		mdatHdr = 16
	}
	base := uint64(len(w.b) + mdatHdr)
	for i := range chunks {
		at := co64 + 8*i
		putU64(w.b[at:], getU64(w.b[at:])+base)
	}
	if mdatHdr == 8 {
		w.u32(uint32(payload + 8))
		w.raw([]byte("mdat"))
	} else {
		w.u32(1) // size 1: a 64-bit largesize follows the type
		w.raw([]byte("mdat"))
		w.u64(uint64(payload + 16))
	}
	m.header = w.b
	m.size = int64(len(w.b)) + payload
	return m, nil
}

// chunkSamples groups consecutive samples whose data is adjacent in the
// source, at most maxChunkSamples at a time, and returns the payload size.
func chunkSamples(c Clip) ([]chunk, int64) {
	var chunks []chunk
	var pos int64
	for i, s := range c.Samples {
		if n := len(chunks); n > 0 {
			last := &chunks[n-1]
			if last.n < maxChunkSamples && last.src+last.size == s.Off {
				last.size += int64(s.Size)
				last.n++
				pos += int64(s.Size)
				continue
			}
		}
		chunks = append(chunks, chunk{pos: pos, src: s.Off, size: int64(s.Size), first: i, n: 1})
		pos += int64(s.Size)
	}
	return chunks, pos
}

// headerSizeHint avoids regrowing the header buffer: stsz takes 4 bytes a
// sample, stss up to 4, co64 8 a chunk, plus some for the rest.
func headerSizeHint(samples, chunks int) int {
	return 1024 + 8*samples + 20*chunks
}

// Size is the file's length in bytes.
func (m *MP4) Size() int64 { return m.size }

// Duration is the sum of the samples' durations.
func (m *MP4) Duration() time.Duration { return m.duration }

// ReadAt fills p with the file's bytes at off, reading frame data from the
// clip's source as needed.
func (m *MP4) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("export: negative offset")
	}
	if off >= m.size {
		return 0, io.EOF
	}
	n := 0
	hlen := int64(len(m.header))
	if off < hlen {
		n = copy(p, m.header[off:])
	}
	for n < len(p) && off+int64(n) < m.size {
		pos := off + int64(n) - hlen
		j := sort.Search(len(m.chunks), func(j int) bool { return m.chunks[j].pos+m.chunks[j].size > pos })
		c := m.chunks[j]
		within := pos - c.pos
		src := c.src + within
		want := int64(len(p) - n)
		// Merge chunks that continue in the source into one read.
		avail := c.size - within
		for k := j + 1; avail < want && k < len(m.chunks) && m.chunks[k].src == m.chunks[k-1].src+m.chunks[k-1].size; k++ {
			avail += m.chunks[k].size
		}
		want = min(want, avail)
		r, err := m.data.ReadAt(p[n:n+int(want)], src)
		n += r
		if int64(r) < want {
			if err == nil || errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return n, fmt.Errorf("export: read frame data at %d (sample %d onwards): %w", src, c.first, err)
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Read reads from the position set by Seek and earlier Reads.
func (m *MP4) Read(p []byte) (int, error) {
	if m.pos >= m.size {
		return 0, io.EOF
	}
	if rem := m.size - m.pos; int64(len(p)) > rem {
		p = p[:rem]
	}
	n, err := m.ReadAt(p, m.pos)
	m.pos += int64(n)
	if errors.Is(err, io.EOF) && n > 0 {
		err = nil
	}
	return n, err
}

// Seek sets the position for Read, as io.Seeker describes.
func (m *MP4) Seek(offset int64, whence int) (int64, error) {
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = m.pos + offset
	case io.SeekEnd:
		abs = m.size + offset
	default:
		return 0, errors.New("export: seek: bad whence")
	}
	if abs < 0 {
		return 0, errors.New("export: seek: negative position")
	}
	m.pos = abs
	return abs, nil
}
