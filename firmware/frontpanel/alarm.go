package frontpanel

import "sort"

// alarms remembers what was already wrong, so only a new fault — a camera
// going down, a storage or disk fault appearing — raises the alarm, and an
// acknowledged alarm stays silent until the next new fault.
type alarms struct {
	down    map[string]bool
	diskBad bool
	unacked bool
	reasons []string // of the unacknowledged alarm
}

// update takes the cameras now down and whether the disk is faulty, and
// returns what newly went wrong.
func (a *alarms) update(down map[string]bool, diskBad bool) []string {
	var raised []string
	for id := range down {
		if !a.down[id] {
			raised = append(raised, "camera "+id+" down")
		}
	}
	sort.Strings(raised)
	if diskBad && !a.diskBad {
		raised = append(raised, "storage/disk fault")
	}
	a.down, a.diskBad = down, diskBad
	if len(raised) > 0 {
		a.unacked = true
		a.reasons = append(a.reasons, raised...)
	}
	return raised
}

// ack acknowledges the alarm; it returns what was acknowledged.
func (a *alarms) ack() []string {
	r := a.reasons
	a.unacked, a.reasons = false, nil
	return r
}
