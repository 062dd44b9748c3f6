package ring

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"time"
)

// The superblock names the volume. Two copies (offsets 0 and 4096) so a
// torn or bad sector on one still leaves the volume readable; both are
// written only at format time.
const (
	superblockName    = "superblock"
	superblockMagic   = "SKYGRDV1"
	formatVersion     = 1
	superblockCopyLen = 4096
	superblockBodyLen = 8 + 4 + 16 + 8 + 4 + 8 // magic, version, uuid, slot size, slot count, created
)

// volumeID is a volume's random UUID.
type volumeID [16]byte

func (v volumeID) String() string { return hex.EncodeToString(v[:]) }

type superblock struct {
	UUID      volumeID
	SlotSize  int64
	SlotCount int
	Created   time.Time
}

func newVolumeID() (volumeID, error) {
	var v volumeID
	if _, err := rand.Read(v[:]); err != nil {
		return v, fmt.Errorf("ring: volume uuid: %w", err)
	}
	return v, nil
}

func (sb *superblock) encode() []byte {
	b := make([]byte, 2*superblockCopyLen)
	c := b[:superblockCopyLen]
	be := binary.BigEndian
	copy(c, superblockMagic)
	be.PutUint32(c[8:], formatVersion)
	copy(c[12:28], sb.UUID[:])
	be.PutUint64(c[28:], uint64(sb.SlotSize))
	be.PutUint32(c[36:], uint32(sb.SlotCount))
	be.PutUint64(c[40:], uint64(sb.Created.UnixNano()))
	be.PutUint32(c[superblockBodyLen:], crc32.Checksum(c[:superblockBodyLen], castagnoli))
	copy(b[superblockCopyLen:], c)
	return b
}

func decodeSuperblockCopy(c []byte) (*superblock, error) {
	if len(c) < superblockBodyLen+4 || string(c[:8]) != superblockMagic {
		return nil, fmt.Errorf("bad magic: %w", ErrNotVolume)
	}
	be := binary.BigEndian
	if crc32.Checksum(c[:superblockBodyLen], castagnoli) != be.Uint32(c[superblockBodyLen:]) {
		return nil, fmt.Errorf("CRC mismatch: %w", ErrCorrupt)
	}
	if v := be.Uint32(c[8:]); v != formatVersion {
		return nil, fmt.Errorf("format version %d unknown", v)
	}
	sb := &superblock{
		SlotSize:  int64(be.Uint64(c[28:])),
		SlotCount: int(be.Uint32(c[36:])),
		Created:   time.Unix(0, int64(be.Uint64(c[40:]))),
	}
	copy(sb.UUID[:], c[12:28])
	if sb.SlotSize < minSlotSize || sb.SlotSize%4096 != 0 || sb.SlotCount < 2 {
		return nil, fmt.Errorf("slot geometry %d x %d invalid: %w", sb.SlotCount, sb.SlotSize, ErrCorrupt)
	}
	return sb, nil
}

// readSuperblock accepts either valid copy.
func readSuperblock(dir string) (*superblock, error) {
	b, err := os.ReadFile(filepath.Join(dir, superblockName))
	if err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("ring: read superblock in %s: %w", dir, ErrNotVolume)
		}
		return nil, fmt.Errorf("ring: read superblock: %w", err)
	}
	var firstErr error
	for i := 0; i < 2; i++ {
		lo := i * superblockCopyLen
		if lo >= len(b) {
			break
		}
		sb, err := decodeSuperblockCopy(b[lo:min(len(b), lo+superblockCopyLen)])
		if err == nil {
			return sb, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, fmt.Errorf("ring: superblock in %s: no valid copy: %w", dir, firstErr)
}

func writeSuperblock(dir string, sb *superblock) error {
	path := filepath.Join(dir, superblockName)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("ring: write superblock: %w", err)
	}
	if _, err := f.Write(sb.encode()); err != nil {
		f.Close()
		return fmt.Errorf("ring: write superblock: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("ring: sync superblock: %w", err)
	}
	return f.Close()
}
