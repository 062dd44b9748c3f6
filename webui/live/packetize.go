package live

import (
	"time"

	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"

	"skyguard/recorder/media"
)

// rtpMTU leaves room for SRTP, UDP, IP and TURN headers under a 1500-byte
// link MTU.
const rtpMTU = 1200

// clockRate is the RTP clock of every video codec served.
const clockRate = 90000

// frame is one access unit packetized once for every viewer. Packets carry
// no sequence number or SSRC yet: each viewer writes its own.
type frame struct {
	key   bool
	ts    uint32 // RTP timestamp of the stream, continuous across runs
	pkts  []*rtp.Packet
	bytes int
}

// packetizer turns a stream's access units into RTP packets.
type packetizer struct {
	codec   media.Codec
	pay     rtp.Payloader
	started bool
	base    time.Duration // PTS of the current run's first frame
	baseTS  uint32        // its RTP timestamp
	lastTS  uint32
}

func newPacketizer(codec media.Codec) *packetizer {
	p := &packetizer{codec: codec}
	if codec == media.CodecH265 {
		p.pay = &codecs.H265Payloader{}
	} else {
		p.pay = &codecs.H264Payloader{}
	}
	return p
}

// packetize builds the frame's packets. Parameter sets go before every
// keyframe so a viewer joining there (or resuming after drops) can decode.
func (p *packetizer) packetize(au *media.AccessUnit) *frame {
	if !p.started || au.NewRun {
		// A new run restarts PTS: keep RTP time moving forward so the
		// browser's jitter buffer sees no jump back.
		next := p.lastTS + clockRate/25
		if !p.started {
			next = 0
		}
		p.started, p.base, p.baseTS = true, au.PTS, next
	}
	ts := p.baseTS + uint32((au.PTS-p.base)*clockRate/time.Second)
	p.lastTS = ts
	f := &frame{key: au.Key, ts: ts}

	var annexB []byte
	add := func(n []byte) {
		if len(n) > 0 {
			annexB = append(annexB, 0, 0, 0, 1)
			annexB = append(annexB, n...)
		}
	}
	if au.Key && au.Params != nil {
		add(au.Params.VPS)
		add(au.Params.SPS)
		add(au.Params.PPS)
	}
	for _, n := range au.NALUs {
		add(n)
	}
	payloads := p.pay.Payload(rtpMTU, annexB)
	for i, pl := range payloads {
		f.pkts = append(f.pkts, &rtp.Packet{
			Header:  rtp.Header{Version: 2, Marker: i == len(payloads)-1, Timestamp: ts},
			Payload: pl,
		})
		f.bytes += len(pl) + 12
	}
	return f
}
