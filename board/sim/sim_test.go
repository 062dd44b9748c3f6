package sim

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"skyguard/board"
	"skyguard/board/panel"
)

func newBoard() *Board {
	return New([]string{"status", "rec", "disk", "net"}, []string{"reset"})
}

func TestPressKinds(t *testing.T) {
	cases := []struct {
		d    time.Duration
		want board.ButtonKind
	}{
		{10 * time.Millisecond, 0}, // a bounce: nothing
		{500 * time.Millisecond, board.ShortPress},
		{9 * time.Second, board.Cancelled},
		{10 * time.Second, board.LongPress},
		{11 * time.Second, board.LongPress},
	}
	for _, c := range cases {
		b := newBoard()
		var got []board.ButtonKind
		b.Button("reset").OnEvent(func(e board.ButtonEvent) {
			if e.Kind != board.Holding && e.Kind != board.Pressed {
				got = append(got, e.Kind)
			}
		})
		if err := b.Press("reset", c.d); err != nil {
			t.Fatal(err)
		}
		switch {
		case c.want == 0 && len(got) != 0:
			t.Errorf("press %v: got %v, want nothing", c.d, got)
		case c.want != 0 && (len(got) != 1 || got[0] != c.want):
			t.Errorf("press %v: got %v, want %v", c.d, got, c.want)
		}
		if b.Now() < c.d {
			t.Errorf("clock %v after press of %v", b.Now(), c.d)
		}
	}
}

// The panel loop the app will run: hold feedback via panel.Evaluate, with
// the handler calling back into the board (must not deadlock).
func TestHoldFeedbackThroughPanel(t *testing.T) {
	b := newBoard()
	st := panel.State{Cameras: 2, CamerasRecording: 2, Uplink: panel.UplinkOK, AlarmUnacked: true}
	show := func() {
		panel.Apply(panel.Evaluate(st), b.LED("status"), b.LED("rec"), b.LED("disk"), b.LED("net"), b.Buzzer())
	}
	var sawFeedback bool
	b.Button("reset").OnEvent(func(e board.ButtonEvent) {
		switch e.Kind {
		case board.Holding:
			st.ResetHeld = e.Held
		case board.ShortPress:
			st.AlarmUnacked = false
		case board.LongPress, board.Cancelled:
			st.ResetHeld = 0
		}
		show()
		if p, _ := b.Pattern("disk"); p == board.FastBlink {
			sawFeedback = true
		}
	})
	show()
	if !b.Buzzing() {
		t.Fatal("alarm should sound")
	}
	if err := b.Press("reset", 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if b.Buzzing() {
		t.Error("short press did not silence the buzzer")
	}
	if sawFeedback {
		t.Error("feedback after a short press")
	}
	if err := b.Press("reset", 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if !sawFeedback {
		t.Error("no fast-blink feedback while holding 5 s")
	}
	if p, _ := b.Pattern("disk"); p != board.Off {
		t.Errorf("disk LED %v after cancelled hold", p)
	}
}

func TestDiskWatchdogSnapshot(t *testing.T) {
	b := newBoard()
	b.LED("rec").Set(board.SlowBlink)
	ds := b.DiskSlot()
	if ok, err := ds.Present(); !ok || err != nil {
		t.Fatalf("present %v %v", ok, err)
	}
	b.SetDiskPresent(false)
	if ok, _ := ds.Present(); ok {
		t.Error("pulled disk still present")
	}
	if err := ds.SetPower(false); err != nil || b.DiskPowered() {
		t.Fatal("power off failed")
	}
	_ = ds.SetPower(true)
	boom := errors.New("line gone")
	b.SetDiskError(boom)
	if _, err := ds.Present(); !errors.Is(err, boom) {
		t.Errorf("error not surfaced: %v", err)
	}
	b.SetDiskError(nil)
	wd := b.Watchdog()
	b.Advance(time.Second)
	for i := 0; i < 3; i++ {
		if err := wd.Feed(); err != nil {
			t.Fatal(err)
		}
	}
	if n, last := b.Feeds(); n != 3 || last != time.Second {
		t.Errorf("feeds %d at %v", n, last)
	}
	_ = wd.Close(true)
	if err := wd.Feed(); !errors.Is(err, ErrWatchdogClosed) {
		t.Errorf("feed after close: %v", err)
	}
	_ = b.Press("reset", time.Second)
	js, err := json.Marshal(b.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"rec":"slow-blink"`, `"status":"off"`, `"power_cycles":1`, `"feeds":3`, `"disarmed":true`, `"kind":"short-press"`, `"present":false`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("snapshot lacks %s: %s", want, js)
		}
	}
}

func TestUnknownNamesAndBadDurations(t *testing.T) {
	b := newBoard()
	if b.LED("nope") != nil || b.Button("nope") != nil {
		t.Error("unknown names returned devices")
	}
	if _, err := b.Pattern("nope"); !errors.Is(err, ErrUnknown) {
		t.Error(err)
	}
	if err := b.Press("nope", time.Second); !errors.Is(err, ErrUnknown) {
		t.Error(err)
	}
	for _, d := range []time.Duration{-1, time.Hour} {
		if err := b.Press("reset", d); err == nil {
			t.Errorf("press %v accepted", d)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	b := newBoard()
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				b.LED("net").Set(board.Pattern(j % 5))
				_ = b.Watchdog().Feed()
				_ = b.Snapshot()
				if j%10 == 0 {
					_ = b.Press("reset", 100*time.Millisecond)
				}
			}
		}(i)
	}
	wg.Wait()
	if n, _ := b.Feeds(); n != 200 {
		t.Errorf("feeds %d", n)
	}
}
