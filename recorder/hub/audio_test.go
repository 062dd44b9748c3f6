package hub

import (
	"testing"

	"skyguard/recorder/media"
)

// Audio goes to audio subscribers only, in order, without a cache; a full
// queue drops (and counts) instead of blocking the publisher.
func TestAudioFanOut(t *testing.T) {
	h := New()
	if _, ok := h.AudioCodec(); ok {
		t.Fatal("AudioCodec before any audio")
	}
	early := &media.AudioPacket{Codec: media.AudioPCMA, Payload: []byte{1}}
	h.WriteAudio(early)
	if c, ok := h.AudioCodec(); !ok || c != media.AudioPCMA {
		t.Fatalf("AudioCodec = %v, %v; want PCMA", c, ok)
	}
	video := h.Subscribe(4)
	a := h.SubscribeAudio(2)
	b := h.SubscribeAudio(10)
	if len(a.C()) != 0 {
		t.Fatal("a new audio subscriber got cached audio")
	}
	for i := range 5 {
		h.WriteAudio(&media.AudioPacket{Codec: media.AudioPCMA, Payload: []byte{byte(i)}})
	}
	if len(a.C()) != 2 || a.Dropped() != 3 {
		t.Fatalf("small queue: %d queued, %d dropped; want 2, 3", len(a.C()), a.Dropped())
	}
	for i := range 5 {
		p := <-b.C()
		if p.Payload[0] != byte(i) {
			t.Fatalf("packet %d out of order: %v", i, p.Payload)
		}
	}
	if len(video.C()) != 0 {
		t.Fatal("audio reached a video subscriber")
	}
	b.Close()
	h.WriteAudio(early) // must not send on b's closed channel
	h.Close()
	for range a.C() {
	}
	if _, ok := <-b.C(); ok {
		t.Fatal("closed subscription still delivers")
	}
	h.WriteAudio(early) // after Close: dropped, no panic
	if s := h.SubscribeAudio(1); s != nil {
		if _, ok := <-s.C(); ok {
			t.Fatal("subscription after Close is open")
		}
	}
}
