package panel

import "time"

// DiskHealth is the data disk's summary (board/smart plus I/O errors,
// latency and free space, decided elsewhere).
type DiskHealth int

// Disk health values; the zero value is OK.
const (
	DiskOK DiskHealth = iota
	DiskWarning
	DiskFault
	DiskMissing
)

// Uplink is whether the box reaches its upstream network.
type Uplink int

// Uplink values; the zero value is Unknown (not yet checked).
const (
	UplinkUnknown Uplink = iota
	UplinkOK
	UplinkDown
)

// State is everything the panel reflects.
type State struct {
	Booting          bool
	Cameras          int // configured
	CamerasRecording int
	CamerasDown      int
	Disk             DiskHealth
	Uplink           Uplink
	AlarmUnacked     bool
	ResetHeld        time.Duration // how long the reset button has been held, 0 if not
}

// ResetFeedbackAfter is how long the reset button must be held before every
// LED fast-blinks, telling the user a long press is under way.
const ResetFeedbackAfter = 3 * time.Second

// LEDName names a panel output.
type LEDName string

// The panel outputs, in display order. Buzzer is listed with the LEDs so
// one table covers it (Solid = sounding, Off = silent).
const (
	Status LEDName = "status"
	Rec    LEDName = "rec"
	Disk   LEDName = "disk"
	Net    LEDName = "net"
	Buzzer LEDName = "buzzer"
)

// Outputs lists the panel outputs in display order.
func Outputs() []LEDName { return []LEDName{Status, Rec, Disk, Net, Buzzer} }
