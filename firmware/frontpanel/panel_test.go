package frontpanel

import (
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"skyguard/board"
	"skyguard/board/sim"
	"skyguard/firmware/settings"
)

type fakeSource struct {
	mu    sync.Mutex
	cams  []CameraState
	store StorageState
}

func (f *fakeSource) Cameras() []CameraState {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]CameraState(nil), f.cams...)
}

func (f *fakeSource) Storage() StorageState {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.store
}

func (f *fakeSource) set(i int, streaming, recording bool) {
	f.mu.Lock()
	f.cams[i].Streaming, f.cams[i].Recording = streaming, recording
	f.mu.Unlock()
}

type fakeEvents struct {
	mu   sync.Mutex
	msgs []string
}

func (f *fakeEvents) AddEvent(kind, camera, msg string) {
	f.mu.Lock()
	f.msgs = append(f.msgs, kind+": "+msg)
	f.mu.Unlock()
}

func (f *fakeEvents) all() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.msgs...)
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

type rig struct {
	b   *sim.Board
	src *fakeSource
	ev  *fakeEvents
	st  *settings.Store
	p   *Panel
}

// newRig is a healthy booted box with two recording cameras, on the
// simulator, whose settings were changed from first boot.
func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{b: NewSim(), ev: &fakeEvents{}, st: settings.Open(t.TempDir())}
	r.src = &fakeSource{cams: []CameraState{{ID: "a", Streaming: true, Recording: true}, {ID: "b", Streaming: true, Recording: true}}}
	if err := r.st.Save(settings.Settings{Network: settings.Network{Mode: "static", Address: "10.0.0.9/24"}, AdminPasswordHash: "h"}); err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	r.p = New(Config{Board: r.b, Source: r.src, Events: r.ev, Settings: r.st, Logger: quiet(), Now: func() time.Time { return clock }})
	r.p.Step()
	r.want(t, "status", board.Solid)
	r.want(t, "rec", board.Solid)
	return r
}

func (r *rig) want(t *testing.T, led string, p board.Pattern) {
	t.Helper()
	got, err := r.b.Pattern(led)
	if err != nil || got != p {
		t.Fatalf("LED %s: %v (%v), want %v", led, got, err, p)
	}
}

func (r *rig) firstBoot(t *testing.T) bool {
	t.Helper()
	s, err := r.st.Load()
	if err != nil {
		t.Fatal(err)
	}
	return s.IsFirstBoot()
}

func TestCameraDownAlarmAndShortPress(t *testing.T) {
	r := newRig(t)
	if r.b.Buzzing() {
		t.Fatal("buzzer on a healthy box")
	}
	r.src.set(1, false, false)
	r.p.Step()
	r.want(t, "rec", board.SlowBlink)
	r.want(t, "status", board.FastBlink)
	if !r.b.Buzzing() {
		t.Fatal("camera down: buzzer silent")
	}
	if err := r.p.Press(ResetButton, 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if r.b.Buzzing() {
		t.Fatal("short press did not silence the buzzer")
	}
	r.want(t, "rec", board.SlowBlink) // the camera is still down
	r.p.Step()
	if r.b.Buzzing() {
		t.Fatal("acknowledged alarm sounds again")
	}
	evs := r.ev.all()
	if len(evs) != 1 || !strings.Contains(evs[0], "alarm acknowledged") || !strings.Contains(evs[0], "camera b down") {
		t.Fatalf("events %q", evs)
	}
	if r.firstBoot(t) {
		t.Fatal("short press reset the settings")
	}
	// The camera comes back and goes down again: a new alarm.
	r.src.set(1, true, true)
	r.p.Step()
	r.src.set(1, false, false)
	r.p.Step()
	if !r.b.Buzzing() {
		t.Fatal("second outage: buzzer silent")
	}
}

func TestStorageFaultAlarm(t *testing.T) {
	r := newRig(t)
	r.src.mu.Lock()
	r.src.store.Fault = "write: input/output error"
	r.src.mu.Unlock()
	r.p.Step()
	r.want(t, "disk", board.Solid)
	if !r.b.Buzzing() {
		t.Fatal("storage fault: buzzer silent")
	}
	r.b.SetDiskPresent(false)
	r.p.Step()
	r.want(t, "disk", board.FastBlink)
}

func TestLongHoldResetsSettings(t *testing.T) {
	r := newRig(t)
	if r.firstBoot(t) {
		t.Fatal("rig settings are first boot already")
	}
	// Watch the LEDs while the button is held, on the driver's goroutine.
	var fedback, early bool
	r.b.Button(ResetButton).OnEvent(func(e board.ButtonEvent) {
		if e.Kind != board.Holding {
			return
		}
		r.p.Step()
		all := true
		for _, n := range LEDNames {
			p, _ := r.b.Pattern(n)
			all = all && p == board.FastBlink
		}
		switch {
		case e.Held >= 3*time.Second && e.Held < 9*time.Second:
			fedback = fedback || all
		case e.Held < 2900*time.Millisecond && all:
			early = true
		}
	})
	if err := r.p.Press(ResetButton, 10500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if !fedback || early {
		t.Errorf("hold feedback: after 3 s %v, before 3 s %v", fedback, early)
	}
	if !r.firstBoot(t) {
		t.Fatal("10 s hold did not reset the settings")
	}
	evs := r.ev.all()
	if len(evs) != 1 || !strings.Contains(evs[0], "reset to first boot") {
		t.Fatalf("events %q", evs)
	}
	r.want(t, "status", board.Solid) // feedback over
}

func TestReleaseAt9sDoesNothing(t *testing.T) {
	r := newRig(t)
	if err := r.p.Press(ResetButton, 9*time.Second); err != nil {
		t.Fatal(err)
	}
	if r.firstBoot(t) {
		t.Fatal("9 s press reset the settings")
	}
	if evs := r.ev.all(); len(evs) != 0 {
		t.Fatalf("events %q", evs)
	}
	r.want(t, "status", board.Solid)
	r.want(t, "net", board.Off)
}

func TestPressErrors(t *testing.T) {
	r := newRig(t)
	if err := r.p.Press("power", time.Second); !errors.Is(err, ErrUnknownButton) {
		t.Errorf("unknown button: %v", err)
	}
	if err := r.p.Press(ResetButton, -time.Second); err == nil {
		t.Error("negative press accepted")
	}
}

func TestBootingUntilRecording(t *testing.T) {
	b := NewSim()
	src := &fakeSource{cams: []CameraState{{ID: "a"}}}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	p := New(Config{Board: b, Source: src, Logger: quiet(), Now: func() time.Time { return now }, BootGrace: time.Minute})
	p.Step()
	if got, _ := b.Pattern("status"); got != board.SlowBlink || b.Buzzing() {
		t.Fatalf("booting: status %v buzzer %v", got, b.Buzzing())
	}
	// Never came up within the grace time: that is an alarm.
	now = now.Add(time.Minute)
	p.Step()
	if got, _ := b.Pattern("status"); got != board.FastBlink || !b.Buzzing() {
		t.Fatalf("after grace: status %v buzzer %v", got, b.Buzzing())
	}
}
