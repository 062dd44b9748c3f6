package button

import (
	"testing"
	"time"

	"skyguard/board"
)

const ms = time.Millisecond

type rec struct{ ev []board.ButtonEvent }

func (r *rec) add(e board.ButtonEvent) { r.ev = append(r.ev, e) }

// kinds drops Holding events (checked separately) to keep expectations short.
func (r *rec) kinds() []board.ButtonKind {
	var k []board.ButtonKind
	for _, e := range r.ev {
		if e.Kind != board.Holding {
			k = append(k, e.Kind)
		}
	}
	return k
}

func eq(a, b []board.ButtonKind) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// hold ticks every 50 ms from a to b like the drivers do.
func hold(m *Machine, a, b time.Duration) {
	for t := a; t <= b; t += 50 * ms {
		m.Tick(t)
	}
}

func TestBounceIgnored(t *testing.T) {
	var r rec
	m := New("reset", Config{}, r.add)
	// A contact chattering for 20 ms then settling open.
	for i := 0; i < 10; i++ {
		m.Edge(time.Duration(i*2)*ms, i%2 == 0)
	}
	hold(m, 20*ms, 500*ms)
	if len(r.ev) != 0 || m.Down() {
		t.Fatalf("bounces produced %v", r.ev)
	}
}

func TestShortPressWithBouncyContacts(t *testing.T) {
	var r rec
	m := New("reset", Config{}, r.add)
	m.Edge(1000*ms, true)
	m.Edge(1005*ms, false) // bounce on press
	m.Edge(1008*ms, true)
	hold(m, 1010*ms, 1500*ms)
	m.Edge(1600*ms, false)
	m.Edge(1610*ms, true) // bounce on release
	m.Edge(1612*ms, false)
	hold(m, 1650*ms, 2000*ms)
	if want := []board.ButtonKind{board.Pressed, board.ShortPress}; !eq(r.kinds(), want) {
		t.Fatalf("got %v, want %v", r.kinds(), want)
	}
	last := r.ev[len(r.ev)-1]
	if last.Held != 1612*ms-1008*ms {
		t.Errorf("held %v", last.Held)
	}
}

func TestLongPressFiresAtTenSecondsWhileHeld(t *testing.T) {
	var r rec
	m := New("reset", Config{}, r.add)
	m.Edge(0, true)
	var firedAt time.Duration = -1
	var lastHold time.Duration
	for tm := 10 * ms; tm <= 12*time.Second; tm += 10 * ms {
		m.Tick(tm)
		for _, e := range r.ev {
			if e.Kind == board.LongPress && firedAt < 0 {
				firedAt = tm
			}
		}
		if len(r.ev) == 0 {
			continue
		}
		if e := r.ev[len(r.ev)-1]; e.Kind == board.Holding {
			if e.Held < lastHold {
				t.Fatalf("holding went backwards at %v", tm)
			}
			lastHold = e.Held
		}
	}
	if firedAt != 10*time.Second {
		t.Fatalf("long press fired at %v, want 10s", firedAt)
	}
	if lastHold < 9900*ms || lastHold >= 10*time.Second {
		t.Errorf("last holding progress %v", lastHold)
	}
	m.Edge(12*time.Second, false)
	hold(m, 12*time.Second, 13*time.Second)
	if want := []board.ButtonKind{board.Pressed, board.LongPress}; !eq(r.kinds(), want) {
		t.Fatalf("got %v, want %v", r.kinds(), want)
	}
}

func TestReleaseAtNineSecondsCancels(t *testing.T) {
	var r rec
	m := New("reset", Config{}, r.add)
	m.Edge(0, true)
	hold(m, 0, 9*time.Second-50*ms)
	m.Edge(9*time.Second, false)
	hold(m, 9*time.Second, 15*time.Second)
	if want := []board.ButtonKind{board.Pressed, board.Cancelled}; !eq(r.kinds(), want) {
		t.Fatalf("got %v, want %v", r.kinds(), want)
	}
	if h := r.ev[len(r.ev)-1].Held; h != 9*time.Second {
		t.Errorf("cancelled after %v", h)
	}
}

// A release just before 10 s still settling when the 10 s tick arrives
// must not fire the long press.
func TestReleaseJustBeforeTenSeconds(t *testing.T) {
	var r rec
	m := New("reset", Config{}, r.add)
	m.Edge(0, true)
	m.Tick(100 * ms)
	m.Edge(9990*ms, false)
	m.Tick(10010 * ms)
	m.Tick(10100 * ms)
	if want := []board.ButtonKind{board.Pressed, board.Cancelled}; !eq(r.kinds(), want) {
		t.Fatalf("got %v, want %v", r.kinds(), want)
	}
}

// Without ticks (sparse event delivery) a release after 10 s is still a
// long press, and the press boundary at 2 s is exact.
func TestWithoutTicks(t *testing.T) {
	cases := []struct {
		held time.Duration
		want board.ButtonKind
	}{
		{1999 * ms, board.ShortPress}, {2 * time.Second, board.Cancelled},
		{9999 * ms, board.Cancelled}, {10 * time.Second, board.LongPress}, {30 * time.Second, board.LongPress},
	}
	for _, c := range cases {
		var r rec
		m := New("b", Config{}, r.add)
		m.Edge(time.Second, true)
		m.Edge(time.Second+c.held, false)
		m.Tick(time.Second + c.held + time.Second)
		if want := []board.ButtonKind{board.Pressed, c.want}; !eq(r.kinds(), want) {
			t.Errorf("held %v: got %v, want %v", c.held, r.kinds(), want)
		}
	}
}

func TestClockGoingBackwardsIsHarmless(t *testing.T) {
	var r rec
	m := New("b", Config{}, r.add)
	m.Edge(time.Second, true)
	m.Tick(1100 * ms)
	m.Tick(500 * ms)
	m.Edge(100*ms, false) // taken as 1.1 s
	m.Tick(2 * time.Second)
	if want := []board.ButtonKind{board.Pressed, board.ShortPress}; !eq(r.kinds(), want) {
		t.Fatalf("got %v", r.kinds())
	}
	if h := r.ev[len(r.ev)-1].Held; h != 100*ms {
		t.Errorf("held %v", h)
	}
}
