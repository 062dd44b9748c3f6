package volume

import (
	"fmt"
	"time"

	"skyguard/recorder/ring"
)

// Stats are the open store's; while down, the last ones seen with the
// fault as reason, so the UI and LEDs keep showing the volume.
func (v *Supervisor) Stats() ring.Stats {
	v.mu.Lock()
	s, last, st := v.store, v.lastStats, v.state
	v.mu.Unlock()
	if s != nil {
		return s.Stats()
	}
	last.Fault = st.Reason
	if last.Fault == "" {
		last.Fault = "recording storage " + st.State
	}
	last.UUID = v.uuid
	return last
}

// Runs lists a camera's runs on the open volume.
func (v *Supervisor) Runs(camera string, from, to time.Time) ([]ring.Run, error) {
	s, err := v.Store()
	if err != nil {
		return nil, fmt.Errorf("volume: runs of %s: %w", camera, err)
	}
	return s.Runs(camera, from, to)
}

// Clip reads a camera's recording from the open volume.
func (v *Supervisor) Clip(camera string, from, to time.Time) (*ring.Clip, error) {
	s, err := v.Store()
	if err != nil {
		return nil, fmt.Errorf("volume: clip of %s: %w", camera, err)
	}
	return s.Clip(camera, from, to)
}

// Events lists the open volume's events, plus those waiting while down.
func (v *Supervisor) Events(from, to time.Time, limit int) ([]ring.Event, error) {
	v.mu.Lock()
	s := v.store
	var pending []ring.Event
	for _, ev := range v.pending {
		if !ev.Time.Before(from) && ev.Time.Before(to) {
			pending = append(pending, ev)
		}
	}
	v.mu.Unlock()
	if s == nil {
		if limit > 0 && len(pending) > limit {
			pending = pending[:limit]
		}
		return pending, nil
	}
	return s.Events(from, to, limit)
}
