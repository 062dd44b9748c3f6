package ingest

import (
	"time"
)

// Timing limits. A camera's RTP clock and the box's clock disagree a little
// all the time (crystal drift, network jitter); only a big disagreement
// means the stream's time base really changed (camera reboot, clock step).
const (
	// maxForwardJump is how far PTS may run ahead of local elapsed time.
	maxForwardJump = 5 * time.Second
	// maxBackStep tolerates small backward PTS steps (B-frame reordering)
	// without declaring a new run.
	maxBackStep = 200 * time.Millisecond
	// maxWallDrift between the derived wall clock and its reference before
	// a new run is started instead of slewing.
	maxWallDrift = 3 * time.Second
	// maxSlewPerFrame bounds each frame's wall-clock correction: 0.5 ms a
	// frame is 12.5 ms/s at 25 fps, invisible on a timeline.
	maxSlewPerFrame = 500 * time.Microsecond
	// maxNTPSkew is how close a sender-report time must be to the local
	// clock to be trusted: cameras' clocks are often wrong by hours.
	maxNTPSkew = 2 * time.Second
)

// timeline maps a session's PTS (RTP clock, 90 kHz, wrap-free) to a run's
// PTS and a wall clock.
type timeline struct {
	started   bool
	basePTS   time.Duration // stream PTS at run start
	baseLocal time.Time     // local time at run start
	baseWall  time.Time     // wall clock at run start
	adj       time.Duration // accumulated slew
	lastRel   time.Duration
}

// reset makes the next frame start a new run (used on reconnect).
func (t *timeline) reset() { *t = timeline{} }

// place returns the run-relative PTS and wall clock of a frame, and whether
// the frame starts a new run. ntpOK says whether ntp (from RTCP sender
// reports) is available.
func (t *timeline) place(pts time.Duration, now time.Time, ntp time.Time, ntpOK bool) (rel time.Duration, wall time.Time, newRun bool) {
	ntpOK = ntpOK && absDur(ntp.Sub(now)) < maxNTPSkew
	ref := now
	if ntpOK {
		ref = ntp
	}
	if t.started {
		rel = pts - t.basePTS
		elapsed := now.Sub(t.baseLocal)
		switch {
		case rel < t.lastRel-maxBackStep, rel-elapsed > maxForwardJump:
			t.started = false
		default:
			wall = t.baseWall.Add(rel + t.adj)
			drift := ref.Sub(wall)
			if absDur(drift) > maxWallDrift {
				t.started = false
				break
			}
			step := max(-maxSlewPerFrame, min(maxSlewPerFrame, drift))
			t.adj += step
			wall = wall.Add(step)
			if rel > t.lastRel {
				t.lastRel = rel
			}
			return rel, wall, false
		}
	}
	t.started = true
	t.basePTS, t.baseLocal, t.baseWall, t.adj, t.lastRel = pts, now, ref, 0, 0
	return 0, ref, true
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
