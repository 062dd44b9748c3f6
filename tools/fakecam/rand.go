package fakecam

import (
	"crypto/rand"
	"encoding/binary"
)

// randUint32 picks an RTP timestamp base: cameras start at a random value,
// so clients must not assume zero.
func randUint32() uint32 {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return 0x12345678
	}
	return binary.BigEndian.Uint32(b[:])
}
