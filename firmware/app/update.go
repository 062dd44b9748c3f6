package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"skyguard/firmware/config"
	"skyguard/firmware/update"
	"skyguard/webui"
)

// startUpdate runs the firmware update service: it confirms a freshly
// updated slot once this box records and serves, and takes uploads.
func (a *App) startUpdate(ctx context.Context, wg *sync.WaitGroup) webui.Updater {
	uc := a.cfg.Update
	// Configs built in code (the demo) leave the section zero.
	if uc.Dir == "" {
		uc.Dir = filepath.Join(filepath.Dir(a.cfg.Storage.Path), "update")
	}
	if uc.MaxBundleSize <= 0 {
		uc.MaxBundleSize = config.DefaultMaxBundleSize
	}
	rauc := &update.RAUC{Path: uc.RAUC, MarkGoodCmd: uc.MarkGood, MarkBadCmd: uc.MarkBad}
	probe := &http.Client{Timeout: 5 * time.Second}
	statusURL := "http://" + loopbackAddr(a.addr) + "/api/status"
	a.update = update.New(update.Options{
		Installer: rauc, Rebooter: update.CommandRebooter{Argv: uc.Reboot}, Available: rauc.Available,
		Dir: uc.Dir, HealthDeadline: uc.HealthDeadline, RequireFrames: len(a.cams) > 0, Logger: a.log,
		Health: func(ctx context.Context) (int64, error) {
			var frames int64
			if s, err := a.store.Store(); err == nil {
				frames = s.Stats().RecordsWritten
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, statusURL, nil)
			if err != nil {
				return frames, err
			}
			resp, err := probe.Do(req)
			if err != nil {
				return frames, err
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return frames, fmt.Errorf("GET /api/status answered %s", resp.Status)
			}
			return frames, nil
		},
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := a.update.Run(ctx); err != nil {
			a.log.Error("update service stopped", "err", err)
		}
	}()
	return updaterAPI{a.update, uc.MaxBundleSize}
}

// loopbackAddr turns a listener address (":8080", "[::]:8080") into one
// this process can dial.
func loopbackAddr(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// updaterAPI adapts the update service to the web API.
type updaterAPI struct {
	s   *update.Service
	max int64
}

func (u updaterAPI) UpdateState() webui.UpdateState {
	st := u.s.State()
	out := webui.UpdateState{State: st.State, Percent: st.Percent, Message: st.Message, Since: st.Since}
	if st.Bundle != nil {
		out.Bundle = &webui.UpdateBundle{Compatible: st.Bundle.Compatible, Version: st.Bundle.Version}
	}
	return out
}

func (u updaterAPI) StartUpdate(path string) error {
	err := u.s.Start(path)
	switch {
	case errors.Is(err, update.ErrBusy):
		return fmt.Errorf("%w: %v", webui.ErrUpdateBusy, err)
	case errors.Is(err, update.ErrUnavailable):
		return fmt.Errorf("%w: %v", webui.ErrUpdateUnavailable, err)
	}
	return err
}

func (u updaterAPI) UpdateSpool() (string, int64) { return u.s.Dir(), u.max }

// systemStatus is the System section of /api/status.
func (a *App) systemStatus() *webui.SystemStatus {
	if a.update == nil {
		return nil
	}
	sys := a.update.System()
	return &webui.SystemStatus{Slot: sys.Slot, Version: sys.Version, BootStatus: sys.BootStatus,
		Primary: sys.Primary, Note: sys.Note, Update: a.update.State().State}
}
