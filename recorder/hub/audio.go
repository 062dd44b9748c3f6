package hub

import (
	"sync"
	"sync/atomic"
	"time"

	"skyguard/recorder/media"
)

// audioFresh is how long after the last audio packet the hub still reports
// the stream as having audio: a camera reconnecting without its audio
// must not keep offering a silent track to new viewers.
const audioFresh = 5 * time.Second

// audioState is the hub's audio side. It is separate from the video lock
// users: audio has no GOP to cache, and live viewers are its only
// consumers. The ring records video only, so recordings stay silent.
type audioState struct {
	mu     sync.Mutex
	subs   map[*AudioSubscription]struct{}
	codec  media.AudioCodec
	lastAt time.Time
	closed bool
}

// AudioSubscription is one consumer's bounded queue of audio packets.
type AudioSubscription struct {
	a       *audioState
	ch      chan *media.AudioPacket
	dropped atomic.Uint64
	closed  bool // guarded by a.mu, under which every send happens
}

// WriteAudio publishes one G.711 packet. It never blocks: a full
// subscriber loses the packet (a 20 ms gap beats growing latency).
func (h *Hub) WriteAudio(p *media.AudioPacket) {
	if p == nil {
		return
	}
	a := &h.audio
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return
	}
	a.codec, a.lastAt = p.Codec, time.Now()
	for s := range a.subs {
		select {
		case s.ch <- p:
		default:
			s.dropped.Add(1)
		}
	}
}

// AudioCodec reports the codec of the stream's audio when a packet came in
// the last few seconds.
func (h *Hub) AudioCodec() (media.AudioCodec, bool) {
	a := &h.audio
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.lastAt.IsZero() || time.Since(a.lastAt) > audioFresh {
		return 0, false
	}
	return a.codec, true
}

// SubscribeAudio registers an audio consumer with a queue of the given
// length (at least 1). Nothing is cached: it gets packets from now on.
func (h *Hub) SubscribeAudio(queue int) *AudioSubscription {
	queue = max(queue, 1)
	a := &h.audio
	a.mu.Lock()
	defer a.mu.Unlock()
	s := &AudioSubscription{a: a, ch: make(chan *media.AudioPacket, queue)}
	if a.closed {
		s.closed = true
		close(s.ch)
		return s
	}
	if a.subs == nil {
		a.subs = map[*AudioSubscription]struct{}{}
	}
	a.subs[s] = struct{}{}
	return s
}

// closeAudio ends every audio subscription; part of Hub.Close.
func (h *Hub) closeAudio() {
	a := &h.audio
	a.mu.Lock()
	defer a.mu.Unlock()
	a.closed = true
	for s := range a.subs {
		s.closed = true
		close(s.ch)
	}
	a.subs = nil
}

// C delivers packets in publish order. It is closed by Close or Hub.Close.
func (s *AudioSubscription) C() <-chan *media.AudioPacket { return s.ch }

// Dropped counts packets this subscriber lost to a full queue.
func (s *AudioSubscription) Dropped() uint64 { return s.dropped.Load() }

// Close unsubscribes; packets still queued stay readable until drained.
func (s *AudioSubscription) Close() {
	s.a.mu.Lock()
	defer s.a.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	delete(s.a.subs, s)
	close(s.ch)
}
