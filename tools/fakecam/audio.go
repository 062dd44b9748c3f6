package fakecam

import (
	"context"
	"math"
	"time"

	"github.com/bluenviron/gortsplib/v5/pkg/description"
	"github.com/bluenviron/gortsplib/v5/pkg/format"
	"github.com/pion/rtp"
)

// The audio track many IP cameras send: G.711 mu-law, 8 kHz mono, 20 ms
// per RTP packet.
const (
	audioRate       = 8000
	AudioPacketDur  = 20 * time.Millisecond
	AudioPacketSize = audioRate * int(AudioPacketDur/time.Millisecond) / 1000 // bytes (= samples)
	toneHz          = 1000
)

// audioMedia is the SDP media of the tone (static payload type 0, PCMU).
func audioMedia() *description.Media {
	return &description.Media{
		Type:    description.MediaTypeAudio,
		Formats: []format.Format{&format.G711{PayloadTyp: 0, MULaw: true, SampleRate: audioRate, ChannelCount: 1}},
	}
}

// tonePacket is 20 ms of a 1 kHz sine at -6 dBFS in mu-law. A whole number
// of periods fits in a packet, so every packet is the same.
func tonePacket() []byte {
	out := make([]byte, AudioPacketSize)
	for i := range out {
		v := 0.5 * math.Sin(2*math.Pi*toneHz*float64(i)/audioRate)
		out[i] = linearToMULaw(int16(v * math.MaxInt16))
	}
	return out
}

// linearToMULaw is the G.711 mu-law encoder (ITU-T G.711, with the usual
// bias-and-segment formulation).
func linearToMULaw(sample int16) byte {
	const bias, clip = 0x84, 32635
	s := int(sample)
	sign := 0
	if s < 0 {
		s, sign = -s, 0x80
	}
	s = min(s, clip) + bias
	exp := 7
	for mask := 0x4000; s&mask == 0 && exp > 0; mask >>= 1 {
		exp--
	}
	mant := (s >> (exp + 3)) & 0x0f
	return ^byte(sign | exp<<4 | mant)
}

// pumpAudio sends the tone in real time on the stream's audio media. Like
// the video pump it keeps its schedule while the path is down and never
// bursts after a stall.
func (st *stream) pumpAudio(ctx context.Context, medi *description.Media) {
	payload := tonePacket()
	tsBase := randUint32()
	seq := uint16(randUint32())
	ssrc := randUint32()
	pace(ctx, AudioPacketDur, func(n int64, due time.Time) {
		if st.down.Load() {
			return
		}
		p := &rtp.Packet{
			Header: rtp.Header{
				Version: 2, PayloadType: 0, SequenceNumber: seq, SSRC: ssrc,
				Timestamp: tsBase + uint32(n*int64(AudioPacketSize)),
			},
			Payload: payload,
		}
		seq++
		if err := st.ss.WritePacketRTPWithNTP(medi, p, due); err != nil {
			st.log.Debug("fakecam: write audio RTP packet", "err", err)
		}
	})
}
