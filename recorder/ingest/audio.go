package ingest

import (
	"fmt"
	"time"

	"github.com/bluenviron/gortsplib/v5/pkg/description"
	"github.com/bluenviron/gortsplib/v5/pkg/format"

	"skyguard/recorder/media"
)

// AudioSink is what a Sink may also implement to get the camera's G.711
// audio. It runs on the RTP read path like WriteAccessUnit and must not
// block.
type AudioSink interface {
	WriteAudio(p *media.AudioPacket)
}

// g711Rate is the only G.711 clock WebRTC peers take (RFC 3551 PCMU/PCMA).
const g711Rate = 8000

// audio is the chosen audio media of a session.
type audio struct {
	medi  *description.Media
	forma *format.G711
	codec media.AudioCodec
}

// pickAudio takes the first 8 kHz mono G.711 audio media: the one audio
// browsers play without the box transcoding. Every other audio format is
// described in notes so the camera state says why it is silent.
func pickAudio(desc *description.Session) (*audio, []string) {
	var a *audio
	var notes []string
	for _, m := range desc.Medias {
		if m.Type != description.MediaTypeAudio {
			continue
		}
		for _, f := range m.Formats {
			g, ok := f.(*format.G711)
			switch {
			case a != nil && a.medi == m:
				// An alternative format of the chosen media: the
				// camera sends one of them, not both.
			case ok && a == nil && g.SampleRate == g711Rate && g.ChannelCount == 1:
				a = &audio{medi: m, forma: g, codec: media.AudioPCMA}
				if g.MULaw {
					a.codec = media.AudioPCMU
				}
			case ok && a == nil:
				notes = append(notes, fmt.Sprintf("audio %s not passed on (only 8 kHz mono G.711)", g.RTPMap()))
			case ok:
				notes = append(notes, fmt.Sprintf("audio %s not passed on (only the first G.711 track)", g.RTPMap()))
			default:
				notes = append(notes, fmt.Sprintf("audio %s not passed on (only G.711)", f.Codec()))
			}
		}
	}
	return a, notes
}

// ticksToDurAt converts RTP ticks of the given clock rate without
// overflowing at large values.
func ticksToDurAt(t int64, rate int64) time.Duration {
	return time.Duration(t/rate)*time.Second + time.Duration(t%rate)*time.Second/time.Duration(rate)
}
