package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"skyguard/board/panel"
	"skyguard/firmware/diskhealth"
	"skyguard/firmware/frontpanel"
	"skyguard/firmware/settings"
	"skyguard/recorder/ingest"
	"skyguard/webui"
)

// startPanel runs the front panel on the box's state until ctx ends.
func (a *App) startPanel(ctx context.Context, hw frontpanel.Hardware, wg *sync.WaitGroup) *frontpanel.Panel {
	kind := a.cfg.Board.Kind
	if kind == "" {
		kind = frontpanel.KindSim
	}
	fp := frontpanel.New(frontpanel.Config{
		Board: hw, Kind: kind, Source: panelSource{a}, Events: a.store,
		Settings: settings.Open(a.cfg.SettingsDir()),
		Uplink:   a.cfg.Uplink.Check, Watchdog: a.cfg.Board.Watchdog, Logger: a.log,
		Disk: a.diskLED,
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := fp.Run(ctx); err != nil {
			a.log.Error("front panel stopped", "err", err)
		}
	}()
	return fp
}

// panelSource gives the panel each camera's ingest state and recording
// flag and the ring's counters.
type panelSource struct{ a *App }

func (s panelSource) Cameras() []frontpanel.CameraState {
	out := make([]frontpanel.CameraState, 0, len(s.a.cams))
	for _, c := range s.a.cams {
		is := c.ingest.State()
		out = append(out, frontpanel.CameraState{
			ID: c.cfg.ID, Streaming: is.Status == ingest.StatusStreaming,
			Recording: c.recording.Load(), Frames: is.Frames,
		})
	}
	return out
}

func (s panelSource) Storage() frontpanel.StorageState {
	st := s.a.store.Stats()
	return frontpanel.StorageState{BytesWritten: uint64(st.BytesWritten), Fault: st.Fault}
}

// panelAPI is the panel as webui's Board.
type panelAPI struct{ p *frontpanel.Panel }

func (b panelAPI) BoardSnapshot() any { return b.p.Snapshot() }

func (b panelAPI) PressButton(name string, d time.Duration) error {
	err := b.p.Press(name, d)
	switch {
	case errors.Is(err, frontpanel.ErrUnknownButton):
		return fmt.Errorf("%w: %v", webui.ErrUnknownButton, err)
	case errors.Is(err, frontpanel.ErrRealButtons):
		return fmt.Errorf("%w: %v", webui.ErrRealButtons, err)
	}
	return err
}

// diskLED maps the disk health monitor's verdict onto the panel's.
func (a *App) diskLED() panel.DiskHealth {
	if a.disk == nil {
		return panel.DiskOK
	}
	switch a.disk.State() {
	case diskhealth.Warning:
		return panel.DiskWarning
	case diskhealth.Fault:
		return panel.DiskFault
	case diskhealth.Missing:
		return panel.DiskMissing
	}
	return panel.DiskOK
}
