package app

import (
	"context"
	"net/http"
	"sync"

	"skyguard/recorder/ingest"
	"skyguard/webui/live"
)

// liveRoutes is what webui.Options.Live takes.
type liveRoutes = interface{ Routes(mux *http.ServeMux) }

// startLive starts the WebRTC live view. A port it cannot bind disables
// live view only (logged): recording matters more than watching. It
// returns nil then, so no WHEP routes are registered.
func (a *App) startLive(ctx context.Context, wg *sync.WaitGroup) liveRoutes {
	lc := a.cfg.Live
	m, err := live.New(live.Options{
		Source: a, Logger: a.log,
		ListenIP: lc.ListenIP, UDPPort: lc.UDPPort, TCPPort: lc.TCPPort,
		PublicIPs: lc.PublicIPs, ICEServers: lc.ICEServers, Loopback: lc.LoopbackCandidates,
		MaxViewers: lc.MaxViewers, MaxViewersPerCamera: lc.MaxViewersPerCamera,
		Online: a.streaming,
	})
	if err != nil {
		a.log.Error("live view disabled", "err", err)
		return nil
	}
	a.live = m
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = m.Run(ctx)
	}()
	return m
}

// streaming reports whether a camera stream's ingest delivers frames now:
// its hub keeps the last parameters of a camera that went away.
func (a *App) streaming(camera, stream string) bool {
	c, ok := a.byID[camera]
	if !ok {
		return false
	}
	ing := c.ingest
	if stream == "sub" {
		ing = c.subIngest
	}
	return ing != nil && ing.State().Status == ingest.StatusStreaming
}

// Viewers reports a camera's live viewers and their total bit rate.
func (a *App) Viewers(camera string) (n int, bps float64) {
	if a.live == nil {
		return 0, 0
	}
	return a.live.Viewers(camera)
}
