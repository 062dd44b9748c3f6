package fakecam

import "testing"

// The mu-law encoder matches G.711's reference points, and the tone packet
// is 20 ms of a wave that swings both ways.
func TestMULawTone(t *testing.T) {
	for _, c := range []struct {
		in   int16
		want byte
	}{{0, 0xff}, {-1, 0x7f}, {32767, 0x80}, {-32768, 0x00}} {
		if got := linearToMULaw(c.in); got != c.want {
			t.Errorf("linearToMULaw(%d) = %#x, want %#x", c.in, got, c.want)
		}
	}
	p := tonePacket()
	if len(p) != 160 {
		t.Fatalf("tone packet %d bytes, want 160", len(p))
	}
	pos, neg := 0, 0
	for _, b := range p {
		if b&0x80 != 0 && b != 0xff {
			pos++
		} else if b&0x80 == 0 && b != 0x7f {
			neg++
		}
	}
	if pos < 40 || neg < 40 {
		t.Fatalf("tone has %d positive, %d negative samples", pos, neg)
	}
}
