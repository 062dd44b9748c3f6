package rtspserve

import (
	"time"

	"skyguard/recorder/media"
)

// frameGuess is the step put between two runs of a camera (after a
// reconnect its PTS restart): one frame at 25 fps, what the cameras send.
const frameGuess = 40 * time.Millisecond

// clock turns access unit PTS into one monotonic 90 kHz RTP clock. The
// hub's PTS restart with every run of the camera (a reconnect); a reader
// must never see the RTP time go back, so each new run is placed one frame
// after the last frame of the previous one.
type clock struct {
	base    uint32 // random start, as RFC 3550 asks
	shift   time.Duration
	last    time.Duration // last PTS sent, shifted
	lastDur time.Duration
	started bool
}

// rtpTime returns the RTP timestamp of au.
func (c *clock) rtpTime(au *media.AccessUnit) uint32 {
	pts := au.PTS + c.shift
	if c.started && (au.NewRun || pts <= c.last-time.Second) {
		step := c.lastDur
		if step <= 0 || step > time.Second {
			step = frameGuess
		}
		c.shift = c.last + step - au.PTS
		pts = c.last + step
	}
	if c.started && pts > c.last {
		c.lastDur = pts - c.last
	}
	if !c.started || pts > c.last {
		c.last = pts
	}
	c.started = true
	return c.base + uint32(ticks90k(pts))
}

// ticks90k converts a duration to 90 kHz ticks without overflowing for
// long-running streams (microseconds first: 1 µs is 0.09 ticks).
func ticks90k(d time.Duration) int64 {
	return d.Microseconds() * 9 / 100
}
