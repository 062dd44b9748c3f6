package frontpanel

import (
	"time"

	"skyguard/board"
	"skyguard/board/panel"
	"skyguard/board/sim"
)

// Snapshot is GET /api/board: the board's own snapshot (for a GPIO board
// the same shape, built from the panel's last output) plus what the panel
// decided it from.
type Snapshot struct {
	sim.Snapshot
	Kind  string    `json:"kind"` // sim or gpio
	State StateView `json:"state"`
}

// StateView is the panel.State the LEDs show, in JSON.
type StateView struct {
	Booting          bool   `json:"booting"`
	Cameras          int    `json:"cameras"`
	CamerasRecording int    `json:"cameras_recording"`
	CamerasDown      int    `json:"cameras_down"`
	Disk             string `json:"disk"`
	Uplink           string `json:"uplink"`
	AlarmUnacked     bool   `json:"alarm_unacked"`
	ResetHeldMS      int64  `json:"reset_held_ms"`
	WatchdogRunning  bool   `json:"watchdog_running"`
	WatchdogPresent  bool   `json:"watchdog_present"`
}

var (
	diskNames   = map[panel.DiskHealth]string{panel.DiskOK: "ok", panel.DiskWarning: "warning", panel.DiskFault: "fault", panel.DiskMissing: "missing"}
	uplinkNames = map[panel.Uplink]string{panel.UplinkUnknown: "unknown", panel.UplinkOK: "ok", panel.UplinkDown: "down"}
)

// Snapshot reports the panel.
func (p *Panel) Snapshot() Snapshot {
	p.stepMu.Lock()
	s, out := p.state, p.out
	p.stepMu.Unlock()
	snap := Snapshot{Kind: p.cfg.Kind, State: StateView{
		Booting: s.Booting, Cameras: s.Cameras, CamerasRecording: s.CamerasRecording, CamerasDown: s.CamerasDown,
		Disk: diskNames[s.Disk], Uplink: uplinkNames[s.Uplink], AlarmUnacked: s.AlarmUnacked,
		ResetHeldMS:     s.ResetHeld.Milliseconds(),
		WatchdogRunning: p.watchdog.running.Load(), WatchdogPresent: p.watchdog.present.Load(),
	}}
	if p.sim != nil {
		snap.Snapshot = p.sim.Snapshot()
		return snap
	}
	snap.Snapshot = p.gpioSnapshot(out)
	return snap
}

// gpioSnapshot rebuilds the simulator's shape from the last output: real
// lines are write-only from here.
func (p *Panel) gpioSnapshot(out panel.Output) sim.Snapshot {
	clock := time.Since(p.born)
	if clock < 0 {
		clock = 0
	}
	s := sim.Snapshot{
		ClockMS: clock.Milliseconds(),
		LEDs:    map[string]board.Pattern{},
		Lit:     map[string]bool{},
		Buzzer:  out.Buzzer,
		Buttons: map[string]sim.ButtonState{},
		Watchdog: sim.WatchdogSnapshot{
			Feeds: int(p.watchdog.feeds.Load()), Closed: !p.watchdog.running.Load(),
		},
	}
	for i, n := range LEDNames {
		if p.leds[i] == nil {
			continue
		}
		pat := out.Pattern(panel.LEDName(n))
		s.LEDs[n] = pat
		s.Lit[n] = board.Level(pat, clock)
	}
	p.mu.Lock()
	if p.cfg.Board.Button(ResetButton) != nil {
		st := sim.ButtonState{Down: p.buttonDn}
		if p.lastEvent != nil {
			st.LastEvent = sim.EventOf(*p.lastEvent)
		}
		s.Buttons[ResetButton] = st
	}
	p.mu.Unlock()
	if ds := p.cfg.Board.DiskSlot(); ds != nil {
		if present, err := ds.Present(); err == nil {
			s.Disk.Present, s.Disk.Powered = present, present
		}
	}
	return s
}
