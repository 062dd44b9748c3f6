package ingest

import (
	"testing"
	"time"
)

const frameDur = 40 * time.Millisecond

func TestTimelineContinuousRun(t *testing.T) {
	var tl timeline
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	base := 1000 * time.Hour // a large stream PTS, as after long uptime
	var prevWall time.Time
	for i := range 500 {
		now := t0.Add(time.Duration(i) * frameDur).Add(time.Duration(i%3) * 7 * time.Millisecond) // jitter
		rel, wall, newRun := tl.place(base+time.Duration(i)*frameDur, now, time.Time{}, false)
		if newRun != (i == 0) {
			t.Fatalf("frame %d: newRun=%v", i, newRun)
		}
		if rel != time.Duration(i)*frameDur {
			t.Fatalf("frame %d: rel PTS %v", i, rel)
		}
		if i > 0 && !wall.After(prevWall) {
			t.Fatalf("frame %d: wall not increasing", i)
		}
		prevWall = wall
	}
}

func TestTimelineJumpsStartNewRun(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		next time.Duration // stream PTS of frame 11, frames 0..10 were 0..400ms
	}{
		{"backwards (camera reboot)", 5 * time.Millisecond},
		{"forward 20s", 20 * time.Second},
	} {
		var tl timeline
		for i := range 11 {
			tl.place(time.Duration(i)*frameDur, t0.Add(time.Duration(i)*frameDur), time.Time{}, false)
		}
		now := t0.Add(11 * frameDur)
		rel, wall, newRun := tl.place(tc.next, now, time.Time{}, false)
		if !newRun || rel != 0 || !wall.Equal(now) {
			t.Errorf("%s: newRun=%v rel=%v wall=%v", tc.name, newRun, rel, wall)
		}
		rel, _, newRun = tl.place(tc.next+frameDur, now.Add(frameDur), time.Time{}, false)
		if newRun || rel != frameDur {
			t.Errorf("%s: frame after jump newRun=%v rel=%v", tc.name, newRun, rel)
		}
	}
}

func TestTimelineSlewsDriftGently(t *testing.T) {
	var tl timeline
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	// The camera's clock runs 1% fast: after 100 s it is 1 s ahead.
	var lastWall, lastNow time.Time
	for i := range 2500 {
		now := t0.Add(time.Duration(i) * frameDur)
		pts := time.Duration(i) * frameDur * 101 / 100
		_, wall, newRun := tl.place(pts, now, time.Time{}, false)
		if newRun != (i == 0) {
			t.Fatalf("frame %d: unexpected new run", i)
		}
		if i > 0 {
			step := wall.Sub(lastWall)
			if d := step - frameDur*101/100; d > maxSlewPerFrame || d < -maxSlewPerFrame {
				t.Fatalf("frame %d: wall step %v, correction beyond the slew bound", i, step)
			}
		}
		lastWall, lastNow = wall, now
	}
	if off := lastWall.Sub(lastNow); off < -50*time.Millisecond || off > 50*time.Millisecond {
		t.Fatalf("wall clock %v off local after slewing, want within 50ms", off)
	}
}

func TestTimelineNTP(t *testing.T) {
	var tl timeline
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	// A sane sender-report time (capture 300 ms before arrival) is used.
	_, wall, _ := tl.place(0, t0, t0.Add(-300*time.Millisecond), true)
	if !wall.Equal(t0.Add(-300 * time.Millisecond)) {
		t.Fatalf("sane NTP ignored: wall %v", wall)
	}
	// A camera clock hours off is not trusted.
	tl.reset()
	_, wall, _ = tl.place(0, t0, t0.Add(-8*time.Hour), true)
	if !wall.Equal(t0) {
		t.Fatalf("insane NTP used: wall %v", wall)
	}
}

func TestTicksToDur(t *testing.T) {
	if got := ticksToDur(90000*100000 + 45000); got != 100000*time.Second+500*time.Millisecond {
		t.Fatalf("ticksToDur = %v", got)
	}
}
