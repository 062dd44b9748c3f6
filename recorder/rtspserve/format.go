package rtspserve

import (
	"fmt"

	"github.com/bluenviron/gortsplib/v5/pkg/description"
	"github.com/bluenviron/gortsplib/v5/pkg/format"
	"github.com/pion/rtp"

	"skyguard/recorder/media"
)

// payloadType is the dynamic RTP payload type of the one video format.
const payloadType = 96

// newFormat returns the SDP format for p, with its parameter sets (the
// sprop-parameter-sets a reader needs before the first keyframe).
func newFormat(p *media.Params) (format.Format, error) {
	if !p.Complete() {
		return nil, fmt.Errorf("incomplete %s parameter sets", p.Codec)
	}
	switch p.Codec {
	case media.CodecH264:
		return &format.H264{PayloadTyp: payloadType, PacketizationMode: 1, SPS: p.SPS, PPS: p.PPS}, nil
	case media.CodecH265:
		return &format.H265{PayloadTyp: payloadType, VPS: p.VPS, SPS: p.SPS, PPS: p.PPS}, nil
	}
	return nil, fmt.Errorf("codec %s cannot be re-served", p.Codec)
}

// setParams updates the parameter sets of a format made by newFormat, for
// the SDP of later DESCRIBEs; the codec must be the same.
func setParams(f format.Format, p *media.Params) {
	switch f := f.(type) {
	case *format.H264:
		f.SafeSetParams(p.SPS, p.PPS)
	case *format.H265:
		f.SafeSetParams(p.VPS, p.SPS, p.PPS)
	}
}

// newDesc is the session description of one re-served stream.
func newDesc(f format.Format) *description.Session {
	return &description.Session{Medias: []*description.Media{{
		Type:    description.MediaTypeVideo,
		Formats: []format.Format{f},
	}}}
}

// encodeFunc packetizes one access unit's NALUs.
type encodeFunc func(nalus [][]byte) ([]*rtp.Packet, error)

// newEncoder returns the RTP packetizer of a format made by newFormat.
func newEncoder(f format.Format) (encodeFunc, error) {
	switch f := f.(type) {
	case *format.H264:
		enc, err := f.CreateEncoder()
		if err != nil {
			return nil, fmt.Errorf("create H264 RTP encoder: %w", err)
		}
		return enc.Encode, nil
	case *format.H265:
		enc, err := f.CreateEncoder()
		if err != nil {
			return nil, fmt.Errorf("create H265 RTP encoder: %w", err)
		}
		return enc.Encode, nil
	}
	return nil, fmt.Errorf("no RTP encoder for %s", f.Codec())
}

// unitNALUs is what goes on the wire for au: a keyframe carries the
// parameter sets in force in front of it, as cameras send them, so a
// reader follows a parameter change (a new resolution) without a new SDP.
func unitNALUs(au *media.AccessUnit) [][]byte {
	if !au.Key || au.Params == nil {
		return au.NALUs
	}
	p := au.Params
	out := make([][]byte, 0, len(au.NALUs)+3)
	if p.Codec == media.CodecH265 && len(p.VPS) > 0 {
		out = append(out, p.VPS)
	}
	if len(p.SPS) > 0 {
		out = append(out, p.SPS)
	}
	if len(p.PPS) > 0 {
		out = append(out, p.PPS)
	}
	return append(out, au.NALUs...)
}
