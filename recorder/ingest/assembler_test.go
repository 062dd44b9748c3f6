package ingest

import (
	"testing"

	"skyguard/recorder/media"
	"skyguard/tools/fakecam"
)

// clipAUs splits a bundled clip into access units the way an RTP decoder
// hands them over (parameter sets in front of keyframes).
func clipAUs(t *testing.T, clip []byte) [][][]byte {
	t.Helper()
	var aus [][][]byte
	var cur [][]byte
	for _, n := range splitAnnexB(clip) {
		typ := n[0] & 0x1f
		if (typ == 1 || typ == 5) && n[1]&0x80 != 0 && hasVCL(cur) {
			aus = append(aus, cur)
			cur = nil
		}
		if (typ == 7 || typ == 9) && hasVCL(cur) {
			aus = append(aus, cur)
			cur = nil
		}
		cur = append(cur, n)
	}
	return append(aus, cur)
}

func hasVCL(au [][]byte) bool {
	for _, n := range au {
		if t := n[0] & 0x1f; t == 1 || t == 5 {
			return true
		}
	}
	return false
}

func splitAnnexB(b []byte) [][]byte {
	var out [][]byte
	start := -1
	for i := 0; i+2 < len(b); i++ {
		if b[i] == 0 && b[i+1] == 0 && b[i+2] == 1 {
			if start >= 0 {
				out = append(out, trimZeros(b[start:i]))
			}
			start = i + 3
		}
	}
	return append(out, b[start:])
}

func trimZeros(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	return b
}

func TestAssemblerParamsAndKeyframes(t *testing.T) {
	aus := clipAUs(t, fakecam.ClipH264Main())
	aus = append(aus, clipAUs(t, fakecam.ClipH264Sub())...)
	if len(aus) != 200 {
		t.Fatalf("split %d access units, want 200", len(aus))
	}
	a := newAssembler(media.CodecH264, nil, nil, nil)
	// Starting mid-GOP: everything before keyframe 50 is dropped.
	var out []frame
	for _, au := range aus[10:] {
		if f, ok := a.push(au); ok {
			out = append(out, f)
		}
	}
	if len(out) != 150 || !out[0].key {
		t.Fatalf("got %d frames (first key=%v), want 150 starting on a keyframe", len(out), len(out) > 0 && out[0].key)
	}
	if out[0].params != out[49].params {
		t.Fatal("repeated identical parameter sets produced a new Params")
	}
	p1, p2 := out[0].params, out[50].params
	if p1 == p2 || p1.Width != 1920 || p1.Height != 1080 || p2.Width != 704 || p2.Height != 576 || !out[50].key {
		t.Fatalf("params %dx%d -> %dx%d (same pointer %v)", p1.Width, p1.Height, p2.Width, p2.Height, p1 == p2)
	}
	for i, f := range out {
		for _, n := range f.nalus {
			if typ := n[0] & 0x1f; typ == 7 || typ == 8 || typ == 9 {
				t.Fatalf("frame %d keeps NALU type %d", i, typ)
			}
		}
	}
}

func TestAssemblerNeedsParamsBeforeFirstKey(t *testing.T) {
	a := newAssembler(media.CodecH264, nil, nil, nil)
	idr := [][]byte{{0x65, 0x88, 0x80}}
	if _, ok := a.push(idr); ok {
		t.Fatal("keyframe without any parameter sets was emitted")
	}
	if _, ok := a.push([][]byte{{}}); ok {
		t.Fatal("empty access unit was emitted")
	}
}
