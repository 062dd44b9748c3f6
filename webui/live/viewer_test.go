package live

import (
	"testing"

	"github.com/pion/rtp"

	"skyguard/recorder/media"
)

// blockingWriter stalls until released, like a peer whose TCP window is
// shut.
type blockingWriter struct {
	release chan struct{}
	got     []uint16
	keys    int
}

func (w *blockingWriter) WriteRTP(p *rtp.Packet) error {
	<-w.release
	w.got = append(w.got, p.SequenceNumber)
	return nil
}

// A stalled viewer drops whole GOPs, resumes on a keyframe, and never
// holds up the broadcaster or a healthy viewer.
func TestStalledViewerDropsToKeyframe(t *testing.T) {
	params := &media.Params{Codec: media.CodecH264, SPS: []byte{0x67, 0x4d, 0, 0x28}, PPS: []byte{0x68, 1}}
	// The broadcaster without its hub goroutine: handle is its loop body.
	b := &broadcaster{camera: "c", stream: "main", codec: media.CodecH264, viewers: map[*viewer]struct{}{}}
	p := newPacketizer(media.CodecH264)
	slow := b.add("c", "main") // never drained until the end
	fast := b.add("c", "main")
	const gops, per = 10, 25 // far more than a viewer's queue
	fastGot := 0
	for g := 0; g < gops; g++ {
		for i := 0; i < per; i++ {
			b.handle(p, &media.AccessUnit{Params: params, Key: i == 0, NALUs: [][]byte{{0x65, byte(g), byte(i)}}})
			for len(fast.ch) > 0 { // the healthy viewer keeps up
				<-fast.ch
				fastGot++
			}
		}
	}
	if fastGot != gops*per {
		t.Fatalf("healthy viewer got %d of %d frames", fastGot, gops*per)
	}
	if slow.dropped.Load() == 0 {
		t.Fatal("stalled viewer dropped nothing")
	}
	b.remove(slow)
	var frames []item
	for it := range slow.ch {
		frames = append(frames, it)
	}
	// Whatever the stalled viewer kept: after any gap comes a keyframe.
	var last [2]byte
	for k, it := range frames {
		pl := it.f.pkts[len(it.f.pkts)-1].Payload
		g, i := pl[len(pl)-2], pl[len(pl)-1]
		if k > 0 {
			contiguous := (g == last[0] && i == last[1]+1) || (g == last[0]+1 && i == 0 && last[1] == per-1)
			if !contiguous && !it.f.key {
				t.Fatalf("frame %d (GOP %d #%d) follows GOP %d #%d: resumed mid-GOP", k, g, i, last[0], last[1])
			}
		}
		last = [2]byte{g, i}
	}
	// A writer that was stalled and is released sends contiguous RTP
	// sequence numbers although frames were dropped (no NACK storm).
	w := &blockingWriter{release: make(chan struct{})}
	close(w.release)
	v := newViewer("c", "main", 0)
	for _, it := range frames[:3] {
		v.ch <- it
	}
	close(v.ch)
	v.write(w)
	for i := 1; i < len(w.got); i++ {
		if w.got[i] != w.got[i-1]+1 {
			t.Fatalf("sequence numbers not contiguous: %v", w.got)
		}
	}
	t.Logf("stalled viewer: %d frames kept, %d dropped; healthy viewer got all %d", len(frames), slow.dropped.Load(), fastGot)
}
