package export

import "encoding/binary"

// boxBuf builds ISO BMFF boxes into one growing byte slice. Box sizes are
// patched when a box ends, so callers never compute sizes by hand.
type boxBuf struct {
	b []byte
}

// start opens a box and returns its offset for end.
func (w *boxBuf) start(typ string) int {
	at := len(w.b)
	w.b = append(w.b, 0, 0, 0, 0)
	w.b = append(w.b, typ[:4]...)
	return at
}

// startFull opens a full box (version and flags follow the type).
func (w *boxBuf) startFull(typ string, version uint8, flags uint32) int {
	at := w.start(typ)
	w.u32(uint32(version)<<24 | flags&0xffffff)
	return at
}

// end closes the box opened at at. Boxes in the header stay far below
// 4 GiB (the sample tables of a day of video are a few MiB), so a 32-bit
// size always fits here; only mdat may need a largesize, and it is not
// built with boxBuf.
func (w *boxBuf) end(at int) {
	binary.BigEndian.PutUint32(w.b[at:], uint32(len(w.b)-at))
}

func (w *boxBuf) u8(v uint8)   { w.b = append(w.b, v) }
func (w *boxBuf) u16(v uint16) { w.b = binary.BigEndian.AppendUint16(w.b, v) }
func (w *boxBuf) u32(v uint32) { w.b = binary.BigEndian.AppendUint32(w.b, v) }
func (w *boxBuf) u64(v uint64) { w.b = binary.BigEndian.AppendUint64(w.b, v) }
func (w *boxBuf) raw(p []byte) { w.b = append(w.b, p...) }
func (w *boxBuf) zeros(n int) {
	for range n {
		w.b = append(w.b, 0)
	}
}

// matrix writes the identity transformation matrix of mvhd and tkhd.
func (w *boxBuf) matrix() {
	for _, v := range [9]uint32{0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000} {
		w.u32(v)
	}
}

func putU64(b []byte, v uint64) { binary.BigEndian.PutUint64(b, v) }
func getU64(b []byte) uint64    { return binary.BigEndian.Uint64(b) }
func putU32(b []byte, v uint32) { binary.BigEndian.PutUint32(b, v) }
