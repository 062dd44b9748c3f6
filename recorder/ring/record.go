package ring

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"time"

	"skyguard/recorder/media"
)

// Record layout (all integers big-endian):
//
//	0  magic u32 "SKRC"      20 seq u64          48 frames u32
//	4  version u8            28 start ns i64     52 payload length u32
//	5  kind u8               36 duration ns i64  56 header CRC u32 (bytes 0..55)
//	6  flags u16             44 params id u32    60 CRC u32 (bytes 0..55 + payload)
//	8  camera hash u32
//	12 slot generation u32
//	16 reserved u32
//
// The header CRC lets a scanner trust the payload length (and skip a record
// whose payload is damaged) without reading the payload; the full CRC covers
// everything. A video payload is a frame table (frameEntrySize bytes per
// frame, its own CRC appended) followed by the frames' AVCC bytes, so a
// reader can build sample tables from the table alone.
const (
	recordMagic      = 0x534b5243 // "SKRC"
	recordVersion    = 1
	recordHeaderSize = 64
	frameEntrySize   = 20 // pts offset ns i64, duration ns u32, size u32, flags u32
	tableCRCSize     = 4
)

// Record kinds.
const (
	kindVideo  = 1
	kindParams = 2
)

// Record flags.
const (
	flagNewRun       = 1 << 0 // first record after a (re)connect or timestamp jump
	flagContinuation = 1 << 1 // a split GOP's later part: does not start at a keyframe
	flagUnsynced     = 1 << 2 // recorded before the wall clock was known good
)

const frameKey = 1 << 0

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// recordHeader is the fixed part of every record.
type recordHeader struct {
	Kind     uint8
	Flags    uint16
	CamHash  uint32
	Gen      uint32
	Seq      uint64
	Start    int64 // unix ns, wall clock of the first frame
	Dur      int64 // ns
	ParamsID uint32
	Frames   uint32
	Len      uint32 // payload length
}

// frameEntry is one row of a video record's frame table.
type frameEntry struct {
	PTS  int64 // ns from the record start
	Dur  uint32
	Size uint32
	Key  bool
}

// cameraHash names a camera inside records; the slot header carries the
// full camera id.
func cameraHash(camera string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(camera); i++ {
		h ^= uint32(camera[i])
		h *= 16777619
	}
	return h
}

func putRecordHeader(b []byte, h *recordHeader) {
	be := binary.BigEndian
	be.PutUint32(b[0:], recordMagic)
	b[4] = recordVersion
	b[5] = h.Kind
	be.PutUint16(b[6:], h.Flags)
	be.PutUint32(b[8:], h.CamHash)
	be.PutUint32(b[12:], h.Gen)
	be.PutUint32(b[16:], 0)
	be.PutUint64(b[20:], h.Seq)
	be.PutUint64(b[28:], uint64(h.Start))
	be.PutUint64(b[36:], uint64(h.Dur))
	be.PutUint32(b[44:], h.ParamsID)
	be.PutUint32(b[48:], h.Frames)
	be.PutUint32(b[52:], h.Len)
	be.PutUint32(b[56:], crc32.Checksum(b[:56], castagnoli))
}

// sealRecord writes the full CRC of a record laid out in b (header+payload).
func sealRecord(b []byte) {
	c := crc32.Update(0, castagnoli, b[:56])
	c = crc32.Update(c, castagnoli, b[recordHeaderSize:])
	binary.BigEndian.PutUint32(b[60:], c)
}

// parseRecordHeader decodes and checks a record header; it never trusts a
// length it has not checked.
func parseRecordHeader(b []byte) (recordHeader, error) {
	var h recordHeader
	if len(b) < recordHeaderSize {
		return h, fmt.Errorf("record header: short (%d bytes): %w", len(b), ErrCorrupt)
	}
	be := binary.BigEndian
	if be.Uint32(b[0:]) != recordMagic {
		return h, fmt.Errorf("record header: bad magic: %w", ErrCorrupt)
	}
	if crc32.Checksum(b[:56], castagnoli) != be.Uint32(b[56:]) {
		return h, fmt.Errorf("record header: CRC mismatch: %w", ErrCorrupt)
	}
	if b[4] != recordVersion {
		return h, fmt.Errorf("record header: version %d unknown: %w", b[4], ErrCorrupt)
	}
	h.Kind = b[5]
	h.Flags = be.Uint16(b[6:])
	h.CamHash = be.Uint32(b[8:])
	h.Gen = be.Uint32(b[12:])
	h.Seq = be.Uint64(b[20:])
	h.Start = int64(be.Uint64(b[28:]))
	h.Dur = int64(be.Uint64(b[36:]))
	h.ParamsID = be.Uint32(b[44:])
	h.Frames = be.Uint32(b[48:])
	h.Len = be.Uint32(b[52:])
	switch h.Kind {
	case kindVideo:
		if h.Frames == 0 || uint64(h.Frames)*frameEntrySize+tableCRCSize > uint64(h.Len) {
			return h, fmt.Errorf("record header: %d frames do not fit %d bytes: %w", h.Frames, h.Len, ErrCorrupt)
		}
	case kindParams:
	default:
		return h, fmt.Errorf("record header: kind %d unknown: %w", h.Kind, ErrCorrupt)
	}
	if h.Dur < 0 {
		return h, fmt.Errorf("record header: negative duration: %w", ErrCorrupt)
	}
	return h, nil
}

// recordCRCOK checks the full CRC of header+payload in b.
func recordCRCOK(b []byte) bool {
	if len(b) < recordHeaderSize {
		return false
	}
	c := crc32.Update(0, castagnoli, b[:56])
	c = crc32.Update(c, castagnoli, b[recordHeaderSize:])
	return c == binary.BigEndian.Uint32(b[60:])
}

// decodedRecord is a fully checked record.
type decodedRecord struct {
	Header recordHeader
	Params *media.Params // kind params
	Frames []frameEntry  // kind video
	Data   []byte        // kind video: the frames' AVCC bytes, in table order
}

// decodeRecord parses and checks one whole record (header + payload) from
// b; trailing bytes are ignored. It never panics on hostile input.
func decodeRecord(b []byte) (*decodedRecord, error) {
	h, err := parseRecordHeader(b)
	if err != nil {
		return nil, err
	}
	end := uint64(recordHeaderSize) + uint64(h.Len)
	if end > uint64(len(b)) {
		return nil, fmt.Errorf("record: payload of %d bytes cut short: %w", h.Len, ErrCorrupt)
	}
	rec := b[:end]
	if !recordCRCOK(rec) {
		return nil, fmt.Errorf("record: CRC mismatch: %w", ErrCorrupt)
	}
	d := &decodedRecord{Header: h}
	payload := rec[recordHeaderSize:]
	switch h.Kind {
	case kindParams:
		p, err := decodeParams(payload)
		if err != nil {
			return nil, err
		}
		d.Params = p
	case kindVideo:
		frames, dataOff, err := decodeFrameTable(payload[:h.Frames*frameEntrySize+tableCRCSize], int(h.Frames))
		if err != nil {
			return nil, err
		}
		var total uint64
		for _, f := range frames {
			total += uint64(f.Size)
		}
		if total != uint64(len(payload))-uint64(dataOff) {
			return nil, fmt.Errorf("record: frame sizes sum to %d, payload holds %d: %w", total, len(payload)-dataOff, ErrCorrupt)
		}
		d.Frames = frames
		d.Data = payload[dataOff:]
	}
	return d, nil
}

// appendFrameTable encodes a frame table with its CRC.
func appendFrameTable(dst []byte, frames []frameEntry) []byte {
	start := len(dst)
	var e [frameEntrySize]byte
	be := binary.BigEndian
	for _, f := range frames {
		be.PutUint64(e[0:], uint64(f.PTS))
		be.PutUint32(e[8:], f.Dur)
		be.PutUint32(e[12:], f.Size)
		var fl uint32
		if f.Key {
			fl |= frameKey
		}
		be.PutUint32(e[16:], fl)
		dst = append(dst, e[:]...)
	}
	return be.AppendUint32(dst, crc32.Checksum(dst[start:], castagnoli))
}

// decodeFrameTable checks and decodes a frame table of n frames from b
// (which must hold at least the table and its CRC); it returns the offset
// of the frame data in the payload.
func decodeFrameTable(b []byte, n int) ([]frameEntry, int, error) {
	tl := n * frameEntrySize
	if n <= 0 || len(b) < tl+tableCRCSize {
		return nil, 0, fmt.Errorf("frame table: short: %w", ErrCorrupt)
	}
	be := binary.BigEndian
	if crc32.Checksum(b[:tl], castagnoli) != be.Uint32(b[tl:]) {
		return nil, 0, fmt.Errorf("frame table: CRC mismatch: %w", ErrCorrupt)
	}
	frames := make([]frameEntry, n)
	for i := range frames {
		e := b[i*frameEntrySize:]
		frames[i] = frameEntry{
			PTS:  int64(be.Uint64(e[0:])),
			Dur:  be.Uint32(e[8:]),
			Size: be.Uint32(e[12:]),
			Key:  be.Uint32(e[16:])&frameKey != 0,
		}
		if frames[i].PTS < 0 || frames[i].PTS > int64(time.Hour) {
			return nil, 0, fmt.Errorf("frame table: frame %d at %d ns: %w", i, frames[i].PTS, ErrCorrupt)
		}
	}
	return frames, tl + tableCRCSize, nil
}

// encodeParams is the payload of a params record and the value stored in
// the index's params bucket.
func encodeParams(p *media.Params) []byte {
	be := binary.BigEndian
	b := make([]byte, 0, 1+8+12+len(p.VPS)+len(p.SPS)+len(p.PPS))
	b = append(b, byte(p.Codec))
	b = be.AppendUint32(b, uint32(p.Width))
	b = be.AppendUint32(b, uint32(p.Height))
	for _, s := range [][]byte{p.VPS, p.SPS, p.PPS} {
		b = be.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	return b
}

func decodeParams(b []byte) (*media.Params, error) {
	be := binary.BigEndian
	if len(b) < 9 {
		return nil, fmt.Errorf("params: short: %w", ErrCorrupt)
	}
	p := &media.Params{Codec: media.Codec(b[0])}
	w, h := be.Uint32(b[1:]), be.Uint32(b[5:])
	if w > 1<<16 || h > 1<<16 {
		return nil, fmt.Errorf("params: size %dx%d: %w", w, h, ErrCorrupt)
	}
	p.Width, p.Height = int(w), int(h)
	b = b[9:]
	var sets [3][]byte
	for i := range sets {
		if len(b) < 4 {
			return nil, fmt.Errorf("params: short: %w", ErrCorrupt)
		}
		n := be.Uint32(b)
		b = b[4:]
		if uint64(n) > uint64(len(b)) {
			return nil, fmt.Errorf("params: set of %d bytes cut short: %w", n, ErrCorrupt)
		}
		if n > 0 {
			sets[i] = append([]byte(nil), b[:n]...)
		}
		b = b[n:]
	}
	p.VPS, p.SPS, p.PPS = sets[0], sets[1], sets[2]
	return p, nil
}

// paramsID derives a record's params id from the encoded params, so that a
// rebuild from slots finds the same ids.
func paramsID(enc []byte) uint32 {
	id := crc32.Checksum(enc, castagnoli)
	if id == 0 {
		id = 1 // 0 means "none"
	}
	return id
}

// appendParamsRecord appends a complete params record to dst.
func appendParamsRecord(dst []byte, enc []byte, id uint32, camHash, gen uint32, seq uint64, start int64) []byte {
	off := len(dst)
	dst = append(dst, make([]byte, recordHeaderSize)...)
	dst = append(dst, enc...)
	putRecordHeader(dst[off:], &recordHeader{Kind: kindParams, CamHash: camHash, Gen: gen, Seq: seq,
		Start: start, ParamsID: id, Len: uint32(len(enc))})
	sealRecord(dst[off:])
	return dst
}
