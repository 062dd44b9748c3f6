package smart

import (
	"fmt"
	"strings"
)

// Health is the verdict's level.
type Health int

// Health levels, ordered so the worse is the larger.
const (
	OK Health = iota
	Warning
	Fault
)

func (h Health) String() string {
	switch h {
	case OK:
		return "ok"
	case Warning:
		return "warning"
	case Fault:
		return "fault"
	}
	return fmt.Sprintf("health(%d)", int(h))
}

// MarshalText gives the name in JSON.
func (h Health) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// Verdict is the classification with the reasons that led to it.
type Verdict struct {
	Health Health `json:"health"`
	Reason string `json:"reason"`
}

// Thresholds. Pending sectors are unreadable data: a handful is a warning
// (the ring will overwrite and remap them), many means the disk is dying.
const (
	PendingFault     = 8
	ReallocatedFault = 100
	TempWarningC     = 55
	TempFaultC       = 65
	WearWarningPct   = 90
	WearFaultPct     = 100
)

// Classify judges a report; every finding is listed in Reason, worst
// first.
func Classify(r Report) Verdict {
	var faults, warns []string
	add := func(h Health, format string, a ...any) {
		if h == Fault {
			faults = append(faults, fmt.Sprintf(format, a...))
		} else {
			warns = append(warns, fmt.Sprintf(format, a...))
		}
	}
	if r.HasStatus && !r.Passed {
		add(Fault, "SMART overall health check failed")
	}
	switch {
	case r.Pending >= PendingFault:
		add(Fault, "%d pending sectors", r.Pending)
	case r.Pending > 0:
		add(Warning, "%d pending sectors", r.Pending)
	}
	if r.Uncorrectable > 0 {
		add(Fault, "%d offline uncorrectable sectors", r.Uncorrectable)
	}
	switch {
	case r.Reallocated >= ReallocatedFault:
		add(Fault, "%d reallocated sectors", r.Reallocated)
	case r.Reallocated > 0:
		add(Warning, "%d reallocated sectors", r.Reallocated)
	}
	switch {
	case r.TemperatureC >= TempFaultC:
		add(Fault, "temperature %d °C", r.TemperatureC)
	case r.TemperatureC >= TempWarningC:
		add(Warning, "temperature %d °C", r.TemperatureC)
	}
	if r.CriticalWarning != 0 {
		add(Fault, "NVMe critical warning 0x%02x", r.CriticalWarning)
	}
	switch {
	case r.PercentageUsed >= WearFaultPct:
		add(Fault, "NVMe %d%% of rated endurance used", r.PercentageUsed)
	case r.PercentageUsed >= WearWarningPct:
		add(Warning, "NVMe %d%% of rated endurance used", r.PercentageUsed)
	}
	if r.MediaErrors > 0 {
		add(Warning, "%d NVMe media errors", r.MediaErrors)
	}
	all := strings.Join(append(faults, warns...), "; ")
	switch {
	case len(faults) > 0:
		return Verdict{Fault, all}
	case len(warns) > 0:
		return Verdict{Warning, all}
	}
	return Verdict{OK, fmt.Sprintf("healthy, %d h powered on, %d °C", r.PowerOnHours, r.TemperatureC)}
}
