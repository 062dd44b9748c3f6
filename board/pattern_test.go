package board

import (
	"encoding/json"
	"testing"
	"time"
)

func TestLevelTimings(t *testing.T) {
	ms := time.Millisecond
	cases := []struct {
		p    Pattern
		t    time.Duration
		want bool
	}{
		{Off, 0, false}, {Off, 300 * ms, false},
		{Solid, 0, true}, {Solid, 12345 * ms, true},
		{SlowBlink, 0, true}, {SlowBlink, 499 * ms, true}, {SlowBlink, 500 * ms, false},
		{SlowBlink, 999 * ms, false}, {SlowBlink, 1000 * ms, true}, {SlowBlink, 7250 * ms, true},
		{FastBlink, 0, true}, {FastBlink, 124 * ms, true}, {FastBlink, 125 * ms, false},
		{FastBlink, 249 * ms, false}, {FastBlink, 250 * ms, true}, {FastBlink, 1125 * ms, false},
		{Heartbeat, 0, true}, {Heartbeat, 99 * ms, true}, {Heartbeat, 100 * ms, false},
		{Heartbeat, 249 * ms, false}, {Heartbeat, 250 * ms, true}, {Heartbeat, 349 * ms, true},
		{Heartbeat, 350 * ms, false}, {Heartbeat, 999 * ms, false}, {Heartbeat, 1000 * ms, true},
		{SlowBlink, -1 * ms, false}, {SlowBlink, -600 * ms, true},
		{Pattern(42), 0, false},
	}
	for _, c := range cases {
		if got := Level(c.p, c.t); got != c.want {
			t.Errorf("Level(%v, %v) = %v, want %v", c.p, c.t, got, c.want)
		}
	}
}

// Counting lit milliseconds over a second checks frequency and duty cycle.
func TestLevelDutyAndEdges(t *testing.T) {
	want := map[Pattern]struct{ lit, rises int }{
		Off: {0, 0}, Solid: {1000, 0}, SlowBlink: {500, 1}, FastBlink: {500, 4}, Heartbeat: {200, 2},
	}
	for p, w := range want {
		lit, rises := 0, 0
		prev := Level(p, -time.Millisecond)
		for i := 0; i < 1000; i++ {
			l := Level(p, time.Duration(i)*time.Millisecond)
			if l {
				lit++
			}
			if l && !prev {
				rises++
			}
			prev = l
		}
		if lit != w.lit || rises != w.rises {
			t.Errorf("%v: lit %d ms rises %d, want %d ms %d", p, lit, rises, w.lit, w.rises)
		}
	}
}

func TestPatternJSON(t *testing.T) {
	for p := Off; p <= Heartbeat; p++ {
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var q Pattern
		if err := json.Unmarshal(b, &q); err != nil || q != p {
			t.Errorf("round trip %v via %s: got %v, %v", p, b, q, err)
		}
	}
	if _, err := json.Marshal(Pattern(9)); err == nil {
		t.Error("marshal of unknown pattern succeeded")
	}
	var q Pattern
	if err := json.Unmarshal([]byte(`"disco"`), &q); err == nil {
		t.Error("unmarshal of unknown name succeeded")
	}
}
