package hub

import (
	"sync"
	"testing"
	"time"

	"skyguard/recorder/media"
)

var testParams = &media.Params{Codec: media.CodecH264, SPS: []byte{0x67, 1}, PPS: []byte{0x68, 2}, Width: 64, Height: 48}

// frame n of a synthetic 25 fps stream with a keyframe every gop frames.
func frame(n, gop int) *media.AccessUnit {
	return &media.AccessUnit{
		Params: testParams,
		PTS:    time.Duration(n) * 40 * time.Millisecond,
		Key:    n%gop == 0,
		NALUs:  [][]byte{{0x41, byte(n)}},
	}
}

func frameNo(au *media.AccessUnit) int { return int(au.PTS / (40 * time.Millisecond)) }

// recv reads one frame or fails after a bounded wait.
func recv(t *testing.T, s *Subscription) *media.AccessUnit {
	t.Helper()
	select {
	case au, ok := <-s.C():
		if !ok {
			t.Fatal("subscription closed unexpectedly")
		}
		return au
	case <-time.After(2 * time.Second):
		t.Fatal("no frame within 2s")
	}
	return nil
}

func assertEmpty(t *testing.T, s *Subscription) {
	t.Helper()
	select {
	case au := <-s.C():
		t.Fatalf("unexpected frame %d queued", frameNo(au))
	default:
	}
}

func TestOrdering(t *testing.T) {
	h := New()
	s := h.Subscribe(300)
	defer s.Close()
	for n := range 250 {
		h.WriteAccessUnit(frame(n, 50))
	}
	for want := range 250 {
		if got := frameNo(recv(t, s)); got != want {
			t.Fatalf("frame %d arrived at position %d", got, want)
		}
	}
	if s.Dropped() != 0 {
		t.Fatalf("dropped %d, want 0", s.Dropped())
	}
	if h.Params() != testParams {
		t.Fatal("Params does not return the latest frame's params")
	}
}

func TestNewSubscriberGetsGOPFromKeyframe(t *testing.T) {
	h := New()
	for n := range 63 { // keyframes at 0 and 50; current GOP is 50..62
		h.WriteAccessUnit(frame(n, 50))
	}
	s := h.Subscribe(4) // smaller than the GOP: the GOP must still fit
	defer s.Close()
	for want := 50; want < 63; want++ {
		select {
		case au := <-s.C(): // no wait: the GOP is queued at Subscribe
			if frameNo(au) != want {
				t.Fatalf("got frame %d, want %d", frameNo(au), want)
			}
			if want == 50 && !au.Key {
				t.Fatal("cached GOP does not start with a keyframe")
			}
		default:
			t.Fatalf("frame %d of the cached GOP not queued immediately", want)
		}
	}
	h.WriteAccessUnit(frame(63, 50))
	if got := frameNo(recv(t, s)); got != 63 {
		t.Fatalf("live frame after GOP: got %d, want 63", got)
	}
	if h.Subscribers() != 1 {
		t.Fatalf("Subscribers = %d, want 1", h.Subscribers())
	}
}

func TestSubscriberBeforeAnyKeyframeWaitsForOne(t *testing.T) {
	h := New()
	h.WriteAccessUnit(frame(1, 50)) // mid-GOP: nothing cacheable
	s := h.Subscribe(10)
	defer s.Close()
	for n := 2; n < 50; n++ {
		h.WriteAccessUnit(frame(n, 50))
	}
	assertEmpty(t, s)
	h.WriteAccessUnit(frame(50, 50))
	if au := recv(t, s); !au.Key || frameNo(au) != 50 {
		t.Fatalf("first frame %d key=%v, want keyframe 50", frameNo(au), au.Key)
	}
	if s.Dropped() != 0 {
		t.Fatalf("joining skips counted as drops: %d", s.Dropped())
	}
}

func TestSlowSubscriberDoesNotBlockAndResumesAtKeyframe(t *testing.T) {
	h := New()
	fast := h.Subscribe(1000)
	slow := h.Subscribe(5)
	defer fast.Close()
	defer slow.Close()

	done := make(chan struct{})
	go func() {
		defer close(done)
		for n := range 120 { // keyframes at 0, 50, 100
			h.WriteAccessUnit(frame(n, 50))
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("publisher blocked by a slow subscriber")
	}
	for want := range 120 {
		if got := frameNo(recv(t, fast)); got != want {
			t.Fatalf("fast subscriber: got %d want %d", got, want)
		}
	}
	// The slow one kept its first 5 frames, then lost the rest of GOP 0,
	// then resumed on keyframe 50, filled up again, and so on.
	for want := range 5 {
		if got := frameNo(recv(t, slow)); got != want {
			t.Fatalf("slow subscriber: got %d want %d", got, want)
		}
	}
	assertEmpty(t, slow)
	if slow.Dropped() == 0 {
		t.Fatal("slow subscriber reports no drops")
	}
	h.WriteAccessUnit(frame(120, 50))
	h.WriteAccessUnit(frame(150, 50))
	au := recv(t, slow)
	if !au.Key || frameNo(au) != 150 {
		t.Fatalf("after overflow resumed at frame %d key=%v, want keyframe 150", frameNo(au), au.Key)
	}
}

func TestGOPCacheIsBounded(t *testing.T) {
	h := New()
	for n := range maxGOPFrames + 10 { // one huge GOP
		h.WriteAccessUnit(frame(n, 1<<30))
	}
	s := h.Subscribe(4)
	defer s.Close()
	assertEmpty(t, s)
}

func TestCloseEndsSubscriptions(t *testing.T) {
	h := New()
	s := h.Subscribe(2)
	s2 := h.Subscribe(2)
	s2.Close()
	s2.Close() // idempotent
	if h.Subscribers() != 1 {
		t.Fatalf("Subscribers = %d, want 1", h.Subscribers())
	}
	h.Close()
	if _, ok := <-s.C(); ok {
		t.Fatal("channel still open after Hub.Close")
	}
	s.Close()
	h.WriteAccessUnit(frame(0, 50)) // no panic after close
	if _, ok := <-h.Subscribe(1).C(); ok {
		t.Fatal("subscription on closed hub is open")
	}
}

func TestConcurrentPublishSubscribeClose(t *testing.T) {
	h := New()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for n := range 3000 {
			h.WriteAccessUnit(frame(n, 25))
		}
		close(stop)
	}()
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				s := h.Subscribe(1 + (i+w)%8)
				first := true
				for k := 0; k < (i % 20); k++ {
					select {
					case au := <-s.C():
						if first && !au.Key {
							t.Errorf("subscriber's first frame %d is not a keyframe", frameNo(au))
						}
						first = false
					case <-stop:
					case <-time.After(time.Second):
					}
				}
				s.Close()
				_ = s.Dropped()
				_ = h.Subscribers()
				_ = h.Params()
			}
		}()
	}
	wg.Wait()
	if n := h.Subscribers(); n != 0 {
		t.Fatalf("Subscribers = %d after all closed", n)
	}
}
