package fakecam

import (
	"bytes"
	"errors"
	"fmt"

	"skyguard/recorder/media"
)

// splitNALUs cuts an Annex-B byte stream at its start codes. It is written
// here rather than taken from mediacommon because that parser caps one call
// at one access unit's size, and a clip is many.
func splitNALUs(buf []byte) [][]byte {
	var out [][]byte
	start := -1
	i := 0
	for i+2 < len(buf) {
		if buf[i] == 0 && buf[i+1] == 0 && buf[i+2] == 1 {
			if start >= 0 {
				out = appendNALU(out, buf[start:i])
			}
			i += 3
			start = i
			continue
		}
		i++
	}
	if start >= 0 {
		out = appendNALU(out, buf[start:])
	}
	return out
}

// appendNALU drops the zero bytes that belong to the next start code (or
// trailing_zero_8bits): a NALU always ends with a non-zero stop bit byte.
func appendNALU(out [][]byte, n []byte) [][]byte {
	n = bytes.TrimRight(n, "\x00")
	if len(n) == 0 {
		return out
	}
	return append(out, n)
}

// naluKind classifies a NALU for access unit grouping.
type naluKind int

const (
	kindOther naluKind = iota // SEI and the like: belongs to the next picture
	kindVCL                   // coded slice
	kindVPS
	kindSPS
	kindPPS
	kindAUD
)

func classify(codec media.Codec, n []byte) (kind naluKind, firstSlice bool) {
	switch codec {
	case media.CodecH264:
		switch n[0] & 0x1f {
		case 1, 5:
			// first_mb_in_slice is the first ue(v) of the slice header:
			// a leading 1 bit means it is 0, the start of a new picture.
			return kindVCL, len(n) > 1 && n[1]&0x80 != 0
		case 7:
			return kindSPS, false
		case 8:
			return kindPPS, false
		case 9:
			return kindAUD, false
		}
	case media.CodecH265:
		if len(n) < 2 {
			return kindOther, false
		}
		typ := (n[0] >> 1) & 0x3f
		switch {
		case typ < 32:
			return kindVCL, len(n) > 2 && n[2]&0x80 != 0 // first_slice_segment_in_pic_flag
		case typ == 32:
			return kindVPS, false
		case typ == 33:
			return kindSPS, false
		case typ == 34:
			return kindPPS, false
		case typ == 35:
			return kindAUD, false
		}
	}
	return kindOther, false
}

// splitAccessUnits groups an Annex-B clip into access units (one picture
// each, with the parameter sets and SEI that precede it).
func splitAccessUnits(codec media.Codec, clip []byte) ([][][]byte, error) {
	if codec != media.CodecH264 && codec != media.CodecH265 {
		return nil, fmt.Errorf("unsupported codec %v", codec)
	}
	nalus := splitNALUs(clip)
	if len(nalus) == 0 {
		return nil, errors.New("no NAL units found (not Annex-B?)")
	}
	var aus [][][]byte
	var cur [][]byte
	curHasVCL := false
	for _, n := range nalus {
		kind, first := classify(codec, n)
		if curHasVCL && (kind != kindVCL || first) {
			aus = append(aus, cur)
			cur, curHasVCL = nil, false
		}
		cur = append(cur, n)
		if kind == kindVCL {
			curHasVCL = true
		}
	}
	if curHasVCL {
		aus = append(aus, cur)
	}
	if len(aus) == 0 {
		return nil, errors.New("no coded pictures found")
	}
	return aus, nil
}

// firstParams returns the first VPS/SPS/PPS found, for the SDP.
func firstParams(codec media.Codec, aus [][][]byte) (vps, sps, pps []byte) {
	for _, au := range aus {
		for _, n := range au {
			kind, _ := classify(codec, n)
			switch {
			case kind == kindVPS && vps == nil:
				vps = n
			case kind == kindSPS && sps == nil:
				sps = n
			case kind == kindPPS && pps == nil:
				pps = n
			}
		}
		if sps != nil && pps != nil && (codec == media.CodecH264 || vps != nil) {
			return vps, sps, pps
		}
	}
	return vps, sps, pps
}
