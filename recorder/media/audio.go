package media

import (
	"fmt"
	"time"
)

// AudioCodec is an audio codec passed through to live viewers. The values
// are the static RTP payload types of RFC 3551, so they can go on the wire
// unchanged.
type AudioCodec uint8

// Audio codecs (G.711 only: browsers decode it natively and the box never
// transcodes).
const (
	AudioPCMU AudioCodec = 0
	AudioPCMA AudioCodec = 8
)

func (c AudioCodec) String() string {
	switch c {
	case AudioPCMU:
		return "PCMU"
	case AudioPCMA:
		return "PCMA"
	default:
		return fmt.Sprintf("audio(%d)", uint8(c))
	}
}

// AudioPacket is one RTP packet's worth of G.711 samples from a camera
// (8 kHz, one byte per sample).
type AudioPacket struct {
	Codec AudioCodec
	// PTS is the packet's presentation time on the camera's RTP clock,
	// from the start of the session.
	PTS     time.Duration
	Payload []byte
}
