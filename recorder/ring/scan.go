package ring

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
)

// badSpan is a stretch of a slot that failed its checks.
type badSpan struct {
	Off, End int64
	Reason   string
}

// scanResult sums up a walk over a slot's records.
type scanResult struct {
	Tail    int64 // end of the last valid record: the logical write offset
	Records int
	Corrupt []badSpan // damaged stretches followed by valid records: skipped
	Torn    *badSpan  // damaged stretch after the last valid record: cut off
}

// scanSlot walks the records of generation gen from start, calling fn for
// each one whose CRC is valid (payload is only valid during the call).
// A damaged record is skipped by searching forward for the next valid
// record, at most a quarter slot plus 1 MiB away (no valid record can be
// longer); if there is none, the damage is the torn tail. A
// record of another generation, or zeroed space, ends the walk: stale
// records past the tail are never taken as current.
func scanSlot(r io.ReaderAt, slotSize int64, gen uint32, start int64, fn func(off int64, h *recordHeader, payload []byte) error) (scanResult, error) {
	res := scanResult{Tail: start}
	var bad *badSpan
	var hdr [recordHeaderSize]byte
	var buf []byte
	pos := start
	for i := 0; pos+recordHeaderSize <= slotSize && i < 1<<24; i++ {
		if _, err := r.ReadAt(hdr[:], pos); err != nil {
			return res, fmt.Errorf("read record header at %d: %w", pos, err)
		}
		h, herr := parseRecordHeader(hdr[:])
		end := pos + recordHeaderSize + int64(h.Len)
		if herr == nil && h.Gen != gen {
			break
		}
		if herr == nil && end <= slotSize {
			buf = grow(buf, int(end-pos))
			if _, err := r.ReadAt(buf, pos); err != nil {
				return res, fmt.Errorf("read record at %d: %w", pos, err)
			}
			if recordCRCOK(buf) {
				if bad != nil {
					res.Corrupt = append(res.Corrupt, *bad)
					bad = nil
				}
				if fn != nil {
					if err := fn(pos, &h, buf[recordHeaderSize:]); err != nil {
						return res, err
					}
				}
				res.Records++
				res.Tail = end
				pos = end
				continue
			}
			// The header may be sound while the record was cut short and the
			// next one written over its end: look for the next record from
			// here rather than trusting the length.
			next, err := resync(r, slotSize, gen, pos+1)
			if err != nil {
				return res, err
			}
			if next < 0 {
				bad = widen(bad, pos, end, "record CRC mismatch")
				break
			}
			bad = widen(bad, pos, next, "record CRC mismatch")
			pos = next
			continue
		}
		if bad == nil && allZero(hdr[:]) {
			break
		}
		next, err := resync(r, slotSize, gen, pos+1)
		if err != nil {
			return res, err
		}
		if next < 0 {
			// Leftovers of an earlier generation look like garbage too; only
			// a header that began as ours is a torn write.
			if bad != nil || binary.BigEndian.Uint32(hdr[:]) == recordMagic {
				bad = widen(bad, pos, pos+recordHeaderSize, "damaged record header")
			}
			break
		}
		bad = widen(bad, pos, next, "damaged record header")
		pos = next
	}
	if bad != nil {
		res.Torn = bad
	}
	return res, nil
}

func widen(b *badSpan, off, end int64, reason string) *badSpan {
	if b == nil {
		return &badSpan{Off: off, End: end, Reason: reason}
	}
	b.End = max(b.End, end)
	return b
}

func grow(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// resync searches forward from pos for the start of a valid record of
// generation gen; -1 if none within the bound.
func resync(r io.ReaderAt, slotSize int64, gen uint32, pos int64) (int64, error) {
	limit := min(slotSize, pos+slotSize/4+1<<20)
	var magic [4]byte
	binary.BigEndian.PutUint32(magic[:], recordMagic)
	chunk := make([]byte, 1<<20)
	var hdr [recordHeaderSize]byte
	for pos < limit {
		n := int(min(int64(len(chunk)), limit-pos))
		c := chunk[:n]
		if _, err := r.ReadAt(c, pos); err != nil && err != io.EOF {
			return -1, fmt.Errorf("resync read at %d: %w", pos, err)
		}
		for i := 0; i < n; {
			j := bytes.Index(c[i:], magic[:])
			if j < 0 {
				break
			}
			cand := pos + int64(i+j)
			i += j + 1
			if cand+recordHeaderSize > slotSize {
				continue
			}
			if _, err := r.ReadAt(hdr[:], cand); err != nil {
				continue
			}
			h, err := parseRecordHeader(hdr[:])
			if err != nil || h.Gen != gen || cand+recordHeaderSize+int64(h.Len) > slotSize {
				continue
			}
			rec := make([]byte, recordHeaderSize+int(h.Len))
			if _, err := r.ReadAt(rec, cand); err != nil {
				continue
			}
			if recordCRCOK(rec) {
				return cand, nil
			}
		}
		if n <= 3 {
			break
		}
		pos += int64(n - 3) // overlap so a magic across chunks is seen
	}
	return -1, nil
}
