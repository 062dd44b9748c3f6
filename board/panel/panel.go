package panel

import "skyguard/board"

// Output is what the panel shows for a State.
type Output struct {
	Status board.Pattern `json:"status"`
	Rec    board.Pattern `json:"rec"`
	Disk   board.Pattern `json:"disk"`
	Net    board.Pattern `json:"net"`
	Buzzer bool          `json:"buzzer"`
}

// Pattern returns the pattern of one output (Buzzer: Solid or Off).
func (o Output) Pattern(n LEDName) board.Pattern {
	switch n {
	case Status:
		return o.Status
	case Rec:
		return o.Rec
	case Disk:
		return o.Disk
	case Net:
		return o.Net
	case Buzzer:
		if o.Buzzer {
			return board.Solid
		}
	}
	return board.Off
}

// Evaluate applies the table: for each output the first matching row wins.
func Evaluate(s State) Output {
	got := make(map[LEDName]board.Pattern, 5)
	for _, r := range Rules() {
		if _, done := got[r.LED]; done || !r.When(s) {
			continue
		}
		got[r.LED] = r.Pattern
	}
	return Output{
		Status: got[Status], Rec: got[Rec], Disk: got[Disk], Net: got[Net],
		Buzzer: got[Buzzer] == board.Solid,
	}
}

// Apply shows the panel output on real (or simulated) devices; any of them
// may be nil when the board lacks it.
func Apply(o Output, status, rec, disk, net board.LED, buzzer board.Buzzer) {
	for _, p := range []struct {
		led board.LED
		p   board.Pattern
	}{{status, o.Status}, {rec, o.Rec}, {disk, o.Disk}, {net, o.Net}} {
		if p.led != nil {
			p.led.Set(p.p)
		}
	}
	if buzzer != nil {
		buzzer.Set(o.Buzzer)
	}
}
