package ingest

import (
	"bytes"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h265"

	"skyguard/recorder/media"
)

// assembler turns depacketized access units into the recorder's form:
// parameter sets and AUDs pulled out into Params, keyframes marked, and
// nothing emitted before a decodable keyframe.
type assembler struct {
	codec         media.Codec
	params        *media.Params // in force; replaced (never mutated) on change
	vps, sps, pps []byte        // latest seen, possibly not yet in params
	gotKey        bool
	lastReported  *media.Params // params whose size is in State
}

func newAssembler(codec media.Codec, vps, sps, pps []byte) *assembler {
	a := &assembler{codec: codec, vps: clone(vps), sps: clone(sps), pps: clone(pps)}
	a.refreshParams()
	return a
}

// frame is an assembled access unit before timing is attached.
type frame struct {
	params *media.Params
	key    bool
	nalus  [][]byte
	size   int
}

// push handles one access unit; ok is false when it is dropped (before the
// first keyframe, or nothing but parameter sets). NALUs are copied into one
// buffer because the RTP decoder's may alias packet memory.
func (a *assembler) push(nalus [][]byte) (f frame, ok bool) {
	keep := make([]int, 0, len(nalus))
	total := 0
	for i, n := range nalus {
		if len(n) == 0 {
			continue
		}
		switch a.kind(n) {
		case naluVPS:
			a.vps = n
		case naluSPS:
			a.sps = n
		case naluPPS:
			a.pps = n
		case naluAUD:
		case naluKey:
			f.key = true
			fallthrough
		default:
			keep = append(keep, i)
			total += len(n)
		}
	}
	a.refreshParams()
	if len(keep) == 0 {
		return frame{}, false
	}
	if !a.gotKey {
		if !f.key || !a.params.Complete() {
			return frame{}, false
		}
		a.gotKey = true
	}
	buf := make([]byte, 0, total)
	f.nalus = make([][]byte, 0, len(keep))
	for _, i := range keep {
		start := len(buf)
		buf = append(buf, nalus[i]...)
		f.nalus = append(f.nalus, buf[start:len(buf):len(buf)])
	}
	f.params, f.size = a.params, total
	return f, true
}

// refreshParams swaps in a new *Params when the latest parameter sets
// differ from the ones in force, so consumers see a change as a new pointer.
func (a *assembler) refreshParams() {
	if a.params != nil && bytes.Equal(a.params.VPS, a.vps) &&
		bytes.Equal(a.params.SPS, a.sps) && bytes.Equal(a.params.PPS, a.pps) {
		// Same sets repeated in band: drop the references into RTP buffers.
		a.vps, a.sps, a.pps = a.params.VPS, a.params.SPS, a.params.PPS
		return
	}
	if a.sps == nil && a.pps == nil && a.vps == nil {
		return
	}
	p := &media.Params{Codec: a.codec, SPS: clone(a.sps), PPS: clone(a.pps)}
	if a.codec == media.CodecH265 {
		p.VPS = clone(a.vps)
	}
	p.Width, p.Height = spsSize(a.codec, p.SPS)
	// The latest sets now live in p; keep a's copies pointing there so the
	// aliased RTP buffers are not retained.
	a.vps, a.sps, a.pps = p.VPS, p.SPS, p.PPS
	a.params = p
}

func spsSize(codec media.Codec, sps []byte) (w, h int) {
	if len(sps) == 0 {
		return 0, 0
	}
	switch codec {
	case media.CodecH264:
		var s h264.SPS
		if s.Unmarshal(sps) == nil {
			return s.Width(), s.Height()
		}
	case media.CodecH265:
		var s h265.SPS
		if s.Unmarshal(sps) == nil {
			return s.Width(), s.Height()
		}
	}
	return 0, 0
}

type naluKind int

const (
	naluOther naluKind = iota
	naluKey
	naluVPS
	naluSPS
	naluPPS
	naluAUD
)

func (a *assembler) kind(n []byte) naluKind {
	if a.codec == media.CodecH265 {
		if len(n) < 2 {
			return naluOther
		}
		switch t := h265.NALUType((n[0] >> 1) & 0x3f); {
		case t >= h265.NALUType_BLA_W_LP && t <= h265.NALUType_RSV_IRAP_VCL23:
			return naluKey
		case t == h265.NALUType_VPS_NUT:
			return naluVPS
		case t == h265.NALUType_SPS_NUT:
			return naluSPS
		case t == h265.NALUType_PPS_NUT:
			return naluPPS
		case t == h265.NALUType_AUD_NUT:
			return naluAUD
		}
		return naluOther
	}
	switch h264.NALUType(n[0] & 0x1f) {
	case h264.NALUTypeIDR:
		return naluKey
	case h264.NALUTypeSPS:
		return naluSPS
	case h264.NALUTypePPS:
		return naluPPS
	case h264.NALUTypeAccessUnitDelimiter:
		return naluAUD
	}
	return naluOther
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return bytes.Clone(b)
}
