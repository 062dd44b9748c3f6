// Package media holds the few types every part of the recorder agrees on:
// codec parameters, access units as they leave ingest, and sample tables as
// they leave the ring for playback.
package media

import (
	"bytes"
	"fmt"
	"time"
)

// Codec is a video codec the box records.
type Codec uint8

// Codecs. The numeric values are stored on disk: never renumber.
const (
	CodecUnknown Codec = 0
	CodecH264    Codec = 1
	CodecH265    Codec = 2
)

func (c Codec) String() string {
	switch c {
	case CodecH264:
		return "H264"
	case CodecH265:
		return "H265"
	default:
		return fmt.Sprintf("codec(%d)", uint8(c))
	}
}

// Params are a stream's decoder parameter sets, without start codes or
// length prefixes. VPS is only set for H.265.
type Params struct {
	Codec  Codec
	VPS    []byte
	SPS    []byte
	PPS    []byte
	Width  int
	Height int
}

// Equal reports whether two parameter sets describe the same stream setup.
func (p *Params) Equal(o *Params) bool {
	if p == nil || o == nil {
		return p == o
	}
	return p.Codec == o.Codec && bytes.Equal(p.VPS, o.VPS) &&
		bytes.Equal(p.SPS, o.SPS) && bytes.Equal(p.PPS, o.PPS)
}

// Complete reports whether the parameter sets are enough to decode.
func (p *Params) Complete() bool {
	if p == nil || len(p.SPS) == 0 || len(p.PPS) == 0 {
		return false
	}
	return p.Codec != CodecH265 || len(p.VPS) > 0
}

// AccessUnit is one video frame as it leaves ingest.
//
// NALUs never contain parameter sets (VPS/SPS/PPS) or access unit
// delimiters: those travel in Params, so that a parameter change is seen in
// one place. A keyframe is an IDR (H.264) or IRAP (H.265) access unit.
type AccessUnit struct {
	Params *Params       // parameters in force for this frame; pointer changes when they change
	PTS    time.Duration // presentation time, monotonic within a run
	Wall   time.Time     // wall-clock time of this frame
	Key    bool
	NewRun bool // first frame after a (re)connect or a timestamp jump
	NALUs  [][]byte
}

// Sample is one frame of a stored clip, located in a byte source.
type Sample struct {
	PTS  time.Duration // from the clip's start
	Dur  time.Duration
	Key  bool
	Off  int64  // offset of the frame's AVCC data (4-byte big-endian length-prefixed NALUs) in the clip's data
	Size uint32 // length of that data
}

// AVCC returns NALUs as 4-byte length-prefixed data, the form MP4 stores.
func AVCC(nalus [][]byte) []byte {
	n := 0
	for _, u := range nalus {
		n += 4 + len(u)
	}
	out := make([]byte, 0, n)
	for _, u := range nalus {
		l := len(u)
		out = append(out, byte(l>>24), byte(l>>16), byte(l>>8), byte(l))
		out = append(out, u...)
	}
	return out
}
