package ring

import (
	"fmt"
	"io"
	"sort"
)

// ClipData reads a clip's frame bytes straight from the slot files. Each
// read re-checks the slot generation while holding the slot, so data of
// a reclaimed slot is never returned: the read fails with ErrGone.
type ClipData struct {
	s       *Store
	extents []extent
	size    int64
}

// extent is one record's included frame bytes.
type extent struct {
	slot    *slot
	gen     uint32
	fileOff int64
	clipOff int64
	size    int64
}

// Size is the number of bytes in the clip.
func (d *ClipData) Size() int64 { return d.size }

// ReadAt implements io.ReaderAt.
func (d *ClipData) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("ring: clip read at %d: negative offset", off)
	}
	if off >= d.size {
		return 0, io.EOF
	}
	i := sort.Search(len(d.extents), func(i int) bool { return d.extents[i].clipOff+d.extents[i].size > off })
	n := 0
	for n < len(p) && i < len(d.extents) {
		x := d.extents[i]
		in := off - x.clipOff
		chunk := p[n:min(len(p), n+int(x.size-in))]
		x.slot.pin.RLock()
		if x.slot.gen != x.gen {
			x.slot.pin.RUnlock()
			return n, fmt.Errorf("ring: clip read slot %d: reused since (generation %d, clip has %d): %w", x.slot.num, x.slot.gen, x.gen, ErrGone)
		}
		m, err := x.slot.f.ReadAt(chunk, x.fileOff+in)
		x.slot.pin.RUnlock()
		n += m
		off += int64(m)
		if err != nil {
			return n, fmt.Errorf("ring: clip read slot %d: %w", x.slot.num, err)
		}
		i++
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
