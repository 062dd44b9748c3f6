// Package hub fans one camera stream's access units out to its consumers
// (ring writer, live viewers, relays). It keeps the current GOP so a new
// consumer starts at once from a keyframe, and it never lets a slow
// consumer hold up the publisher or the others.
package hub

import (
	"sync"

	"skyguard/recorder/media"
)

// Bounds of the cached GOP: a camera with a very long or broken GOP must
// not make the hub hold unbounded memory. Past either bound the cache is
// dropped until the next keyframe (new subscribers then wait for it).
const (
	maxGOPFrames = 512
	maxGOPBytes  = 48 << 20
)

// Hub is the fan-out point of one stream. The zero value is not usable; use New.
type Hub struct {
	mu       sync.Mutex
	gop      []*media.AccessUnit // from the last keyframe; empty when unknown or too big
	gopBytes int
	params   *media.Params
	subs     map[*Subscription]struct{}
	closed   bool
	audio    audioState // its own lock: see audio.go
}

// New returns an empty hub.
func New() *Hub {
	return &Hub{subs: map[*Subscription]struct{}{}}
}

// WriteAccessUnit publishes one frame. It never blocks on subscribers; it
// holds the hub lock only for non-blocking channel sends.
func (h *Hub) WriteAccessUnit(au *media.AccessUnit) {
	if au == nil {
		return
	}
	size := auSize(au)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	if au.Params != nil {
		h.params = au.Params
	}
	switch {
	case au.Key:
		h.gop = append(h.gop[:0:0], au)
		h.gopBytes = size
	case au.NewRun:
		// A new run that does not start on a keyframe cannot be joined.
		h.gop, h.gopBytes = nil, 0
	case len(h.gop) > 0:
		if len(h.gop) >= maxGOPFrames || h.gopBytes+size > maxGOPBytes {
			h.gop, h.gopBytes = nil, 0
		} else {
			h.gop = append(h.gop, au)
			h.gopBytes += size
		}
	}
	for s := range h.subs {
		s.offer(au)
	}
}

// Subscribe registers a consumer with a queue of the given length (at least
// 1). The cached GOP is queued first, on top of that length, so the
// consumer can start decoding immediately.
func (h *Hub) Subscribe(queue int) *Subscription {
	if queue < 1 {
		queue = 1
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	s := &Subscription{h: h, ch: make(chan *media.AccessUnit, queue+len(h.gop))}
	if h.closed {
		s.closed = true
		close(s.ch)
		return s
	}
	if len(h.gop) == 0 {
		s.waitKey, s.joining = true, true
	}
	for _, au := range h.gop {
		s.ch <- au // fits: capacity covers the GOP
	}
	h.subs[s] = struct{}{}
	return s
}

// Params returns the parameters of the latest frame, or nil before any.
func (h *Hub) Params() *media.Params {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.params
}

// Subscribers returns the number of open subscriptions.
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// Close ends every subscription (their channels close) and makes the hub
// drop further frames; for shutting down a stream.
func (h *Hub) Close() {
	h.closeAudio()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.closed = true
	for s := range h.subs {
		s.closeLocked()
	}
	h.subs = nil
	h.gop = nil
}

func auSize(au *media.AccessUnit) int {
	n := 0
	for _, u := range au.NALUs {
		n += len(u)
	}
	return n
}
