package panel

import (
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"skyguard/board"
)

var update = flag.Bool("update", false, "rewrite the table in ../LEDS.md from the code")

// expected is a second, independent encoding of LEDS.md, written from the
// prose rules rather than the Rules table.
func expected(s State) Output {
	if s.ResetHeld >= 3*time.Second {
		return Output{board.FastBlink, board.FastBlink, board.FastBlink, board.FastBlink, false}
	}
	var o Output
	noneRecording := s.Cameras > 0 && s.CamerasRecording == 0
	switch {
	case s.Disk == DiskFault || s.Disk == DiskMissing || s.AlarmUnacked || (noneRecording && !s.Booting):
		o.Status = board.FastBlink
	case s.Booting:
		o.Status = board.SlowBlink
	default:
		o.Status = board.Solid
	}
	switch {
	case s.Cameras == 0:
		o.Rec = board.Off
	case noneRecording:
		o.Rec = board.FastBlink
	case s.CamerasDown == 0 && s.CamerasRecording == s.Cameras:
		o.Rec = board.Solid
	default:
		o.Rec = board.SlowBlink
	}
	o.Disk = map[DiskHealth]board.Pattern{DiskOK: board.Off, DiskWarning: board.SlowBlink, DiskFault: board.Solid, DiskMissing: board.FastBlink}[s.Disk]
	o.Net = map[Uplink]board.Pattern{UplinkOK: board.Solid, UplinkDown: board.SlowBlink, UplinkUnknown: board.Off}[s.Uplink]
	o.Buzzer = s.AlarmUnacked
	return o
}

func TestEveryStateCombination(t *testing.T) {
	n := 0
	holds := []time.Duration{0, time.Second, 2999 * time.Millisecond, 3 * time.Second, 9 * time.Second}
	for _, booting := range []bool{false, true} {
		for cams := 0; cams <= 3; cams++ {
			for rec := 0; rec <= cams; rec++ {
				// Down cameras are among those not recording.
				for down := 0; down <= cams-rec; down++ {
					for disk := DiskOK; disk <= DiskMissing; disk++ {
						for up := UplinkUnknown; up <= UplinkDown; up++ {
							for _, alarm := range []bool{false, true} {
								for _, held := range holds {
									s := State{booting, cams, rec, down, disk, up, alarm, held}
									n++
									if got, want := Evaluate(s), expected(s); got != want {
										t.Fatalf("state %+v: got %+v, want %+v", s, got, want)
									}
								}
							}
						}
					}
				}
			}
		}
	}
	if n != 2*20*4*3*2*len(holds) {
		t.Fatalf("covered %d combinations", n)
	}
}

func TestEveryRowReachableAndLastRowCatchAll(t *testing.T) {
	rules := Rules()
	last := map[LEDName]Rule{}
	for _, r := range rules {
		last[r.LED] = r
	}
	for _, n := range Outputs() {
		if !last[n].When(State{}) {
			t.Errorf("%s: last row is not a catch-all", n)
		}
	}
	if len(last) != len(Outputs()) {
		t.Errorf("table covers %d outputs, want %d", len(last), len(Outputs()))
	}
}

func TestExamples(t *testing.T) {
	ok := State{Cameras: 94, CamerasRecording: 94, Uplink: UplinkOK}
	if got := Evaluate(ok); got != (Output{board.Solid, board.Solid, board.Off, board.Solid, false}) {
		t.Errorf("healthy box: %+v", got)
	}
	boot := State{Booting: true, Cameras: 94}
	if got := Evaluate(boot); got.Status != board.SlowBlink || got.Rec != board.FastBlink {
		t.Errorf("booting box: %+v", got)
	}
	// Inconsistent counts (more recording than configured) must not panic
	// or claim a fault.
	if got := Evaluate(State{Cameras: 2, CamerasRecording: 5, CamerasDown: -1}); got.Rec != board.Solid {
		t.Errorf("inconsistent counts: %+v", got)
	}
}

func TestLEDSMarkdownMatchesCode(t *testing.T) {
	const path = "../LEDS.md"
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- table -->\n", "<!-- /table -->"
	i, j := strings.Index(string(doc), begin), strings.Index(string(doc), end)
	if i < 0 || j < i {
		t.Fatalf("%s: table markers missing", path)
	}
	table := string(doc[i+len(begin) : j])
	if *update {
		out := string(doc[:i+len(begin)]) + Markdown() + string(doc[j:])
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if table != Markdown() {
		t.Errorf("%s is out of date; run go test ./board/panel -run Markdown -update\nhave:\n%s\nwant:\n%s", path, table, Markdown())
	}
}
