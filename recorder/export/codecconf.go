package export

import (
	"errors"
	"fmt"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h265"

	"skyguard/recorder/media"
)

// sampleEntry is what stsd needs for one video codec: the sample entry type
// (avc1/hvc1), the decoder configuration box it carries, and the picture size.
type sampleEntry struct {
	typ    string // "avc1" or "hvc1"
	config func(w *boxBuf)
	width  int
	height int
}

// newSampleEntry checks the parameter sets by parsing them, so that a clip
// whose parameters a player could not use fails at NewMP4 rather than in the
// viewer's browser.
func newSampleEntry(p media.Params) (*sampleEntry, error) {
	if !p.Complete() {
		return nil, errors.New("codec parameters incomplete")
	}
	for _, ps := range [][]byte{p.VPS, p.SPS, p.PPS} {
		if len(ps) > 0xffff {
			return nil, fmt.Errorf("parameter set of %d bytes too large for a decoder configuration", len(ps))
		}
	}
	switch p.Codec {
	case media.CodecH264:
		return h264Entry(p)
	case media.CodecH265:
		return h265Entry(p)
	default:
		return nil, fmt.Errorf("unsupported codec %v", p.Codec)
	}
}

func h264Entry(p media.Params) (*sampleEntry, error) {
	var sps h264.SPS
	if err := sps.Unmarshal(p.SPS); err != nil {
		return nil, fmt.Errorf("parse H.264 SPS: %w", err)
	}
	rbsp := h264.EmulationPreventionRemove(p.SPS)
	if len(rbsp) < 4 {
		return nil, errors.New("H.264 SPS too short")
	}
	e := &sampleEntry{typ: "avc1", width: sps.Width(), height: sps.Height()}
	e.config = func(w *boxBuf) {
		at := w.start("avcC")
		w.u8(1)        // configurationVersion
		w.u8(rbsp[1])  // AVCProfileIndication
		w.u8(rbsp[2])  // profile_compatibility
		w.u8(rbsp[3])  // AVCLevelIndication
		w.u8(0xfc | 3) // lengthSizeMinusOne: samples use 4-byte lengths
		w.u8(0xe0 | 1)
		w.u16(uint16(len(p.SPS)))
		w.raw(p.SPS)
		w.u8(1)
		w.u16(uint16(len(p.PPS)))
		w.raw(p.PPS)
		// ISO/IEC 14496-15 5.3.3.1.2: the high profiles carry chroma and
		// bit depth; strict parsers reject an avcC without them.
		switch sps.ProfileIdc {
		case 100, 110, 122, 144:
			w.u8(0xfc | uint8(sps.ChromaFormatIdc&3))
			w.u8(0xf8 | uint8(sps.BitDepthLumaMinus8&7))
			w.u8(0xf8 | uint8(sps.BitDepthChromaMinus8&7))
			w.u8(0) // numOfSequenceParameterSetExt
		}
		w.end(at)
	}
	return e, nil
}

func h265Entry(p media.Params) (*sampleEntry, error) {
	var sps h265.SPS
	if err := sps.Unmarshal(p.SPS); err != nil {
		return nil, fmt.Errorf("parse H.265 SPS: %w", err)
	}
	// The general profile_tier_level is copied byte for byte from the SPS
	// RBSP (bytes 3..14: profile space/tier/idc, 32 compatibility flags, 48
	// constraint bits, level), which is exactly the hvcC layout.
	rbsp := h264.EmulationPreventionRemove(p.SPS)
	if len(rbsp) < 15 {
		return nil, errors.New("H.265 SPS too short")
	}
	ptl := rbsp[3:15]
	e := &sampleEntry{typ: "hvc1", width: sps.Width(), height: sps.Height()}
	e.config = func(w *boxBuf) {
		at := w.start("hvcC")
		w.u8(1) // configurationVersion
		w.raw(ptl)
		w.u16(0xf000) // min_spatial_segmentation_idc = 0
		w.u8(0xfc)    // parallelismType = 0 (unknown)
		w.u8(0xfc | uint8(sps.ChromaFormatIdc&3))
		w.u8(0xf8 | uint8(sps.BitDepthLumaMinus8&7))
		w.u8(0xf8 | uint8(sps.BitDepthChromaMinus8&7))
		w.u16(0) // avgFrameRate unknown
		nested := uint8(0)
		if sps.TemporalIDNestingFlag {
			nested = 1
		}
		w.u8((sps.MaxSubLayersMinus1+1)&7<<3 | nested<<2 | 3)
		w.u8(3) // numOfArrays
		for _, a := range []struct {
			typ  h265.NALUType
			nalu []byte
		}{{h265.NALUType_VPS_NUT, p.VPS}, {h265.NALUType_SPS_NUT, p.SPS}, {h265.NALUType_PPS_NUT, p.PPS}} {
			w.u8(0x80 | uint8(a.typ)) // array_completeness: all sets are here, none in-band
			w.u16(1)
			w.u16(uint16(len(a.nalu)))
			w.raw(a.nalu)
		}
		w.end(at)
	}
	return e, nil
}
