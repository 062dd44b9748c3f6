package ingest

import (
	"math/rand/v2"
	"time"
)

// backoff is a jittered exponential delay. Jitter keeps ~94 cameras that
// lost the same switch from reconnecting in lockstep.
type backoff struct {
	min, max time.Duration
	cur      time.Duration
}

// next returns the delay before the next attempt and doubles the base.
func (b *backoff) next() time.Duration {
	if b.cur < b.min {
		b.cur = b.min
	}
	d := b.cur
	b.cur = min(b.cur*2, b.max)
	// Uniform in [d/2, d]: never longer than the cap, never zero.
	half := d / 2
	return half + rand.N(half+1)
}

func (b *backoff) reset() { b.cur = 0 }
