package hub

import (
	"sync/atomic"

	"skyguard/recorder/media"
)

// Subscription is one consumer's bounded queue of frames.
type Subscription struct {
	h       *Hub
	ch      chan *media.AccessUnit
	dropped atomic.Uint64
	// waitKey and closed are guarded by the hub's lock: every send and the
	// close happen under it, so a send never hits a closed channel.
	waitKey bool
	joining bool // waiting for a first keyframe, not after an overflow
	closed  bool
}

// C delivers frames in publish order. It is closed by Close or Hub.Close.
func (s *Subscription) C() <-chan *media.AccessUnit { return s.ch }

// Dropped counts frames this subscriber lost to a full queue (including
// the rest of each GOP skipped to resume on a keyframe).
func (s *Subscription) Dropped() uint64 { return s.dropped.Load() }

// Close unsubscribes; frames still queued stay readable until drained.
func (s *Subscription) Close() {
	s.h.mu.Lock()
	defer s.h.mu.Unlock()
	if s.closed {
		return
	}
	delete(s.h.subs, s)
	s.closeLocked()
}

func (s *Subscription) closeLocked() {
	s.closed = true
	close(s.ch)
}

// offer queues au without blocking. After an overflow the subscriber skips
// to the next keyframe: resuming mid-GOP would hand its decoder frames whose
// references it never saw.
func (s *Subscription) offer(au *media.AccessUnit) {
	if s.waitKey {
		if !au.Key {
			if !s.joining {
				s.dropped.Add(1)
			}
			return
		}
		s.waitKey, s.joining = false, false
	}
	select {
	case s.ch <- au:
	default:
		s.dropped.Add(1)
		s.waitKey = true
	}
}
