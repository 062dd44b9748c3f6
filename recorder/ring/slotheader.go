package ring

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"path/filepath"
)

// Each slot starts with a 4 KiB header naming its volume, number,
// generation and camera; records follow it. The header is rewritten (and
// synced) each time the slot is handed to a camera.
const (
	slotHeaderSize  = 4096
	slotHeaderMagic = "SKYSLOT1"
	maxCameraID     = 255
	minSlotSize     = 1 << 20
)

type slotHeader struct {
	UUID     volumeID
	Slot     uint32
	Gen      uint32
	Camera   string
	OpenedAt int64 // unix ns
}

func (h *slotHeader) encode() []byte {
	b := make([]byte, slotHeaderSize)
	be := binary.BigEndian
	copy(b, slotHeaderMagic)
	copy(b[8:24], h.UUID[:])
	be.PutUint32(b[24:], h.Slot)
	be.PutUint32(b[28:], h.Gen)
	be.PutUint64(b[32:], uint64(h.OpenedAt))
	cam := h.Camera
	if len(cam) > maxCameraID {
		cam = cam[:maxCameraID]
	}
	be.PutUint16(b[40:], uint16(len(cam)))
	n := 42 + copy(b[42:], cam)
	be.PutUint32(b[n:], crc32.Checksum(b[:n], castagnoli))
	return b
}

func decodeSlotHeader(b []byte) (*slotHeader, error) {
	if len(b) < 46 || string(b[:8]) != slotHeaderMagic {
		return nil, fmt.Errorf("slot header: bad magic: %w", ErrCorrupt)
	}
	be := binary.BigEndian
	cl := int(be.Uint16(b[40:]))
	if cl > maxCameraID || 42+cl+4 > len(b) {
		return nil, fmt.Errorf("slot header: camera id length %d: %w", cl, ErrCorrupt)
	}
	n := 42 + cl
	if crc32.Checksum(b[:n], castagnoli) != be.Uint32(b[n:]) {
		return nil, fmt.Errorf("slot header: CRC mismatch: %w", ErrCorrupt)
	}
	h := &slotHeader{
		Slot:     be.Uint32(b[24:]),
		Gen:      be.Uint32(b[28:]),
		OpenedAt: int64(be.Uint64(b[32:])),
		Camera:   string(b[42:n]),
	}
	copy(h.UUID[:], b[8:24])
	return h, nil
}

func readSlotHeader(f io.ReaderAt) (*slotHeader, error) {
	b := make([]byte, slotHeaderSize)
	if _, err := f.ReadAt(b, 0); err != nil {
		return nil, fmt.Errorf("read slot header: %w", err)
	}
	return decodeSlotHeader(b)
}

func slotPath(dir string, n int) string {
	return filepath.Join(dir, "slots", fmt.Sprintf("%05d.slot", n))
}
