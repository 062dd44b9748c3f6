package app

import (
	"context"
	"sync"

	"skyguard/recorder/ingest"
	"skyguard/recorder/rtspserve"
)

// startRTSP starts the re-serve of the cameras' streams when configured.
// A port it cannot take is logged, not fatal: recording matters more than
// the re-serve, and the box must keep recording.
func (a *App) startRTSP(ctx context.Context, wg *sync.WaitGroup) {
	rc := a.cfg.RTSP
	if rc.Listen == "" {
		return
	}
	srv, err := rtspserve.New(rtspserve.Options{
		Listen: rc.Listen, User: rc.User, Password: rc.Password,
		Source: a, Logger: a.log.With("part", "rtsp"),
	})
	if err != nil {
		a.log.Error("rtsp re-serve not started", "err", err)
		return
	}
	a.rtsp = srv
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := srv.Run(ctx); err != nil {
			a.log.Error("rtsp re-serve stopped", "err", err)
		}
	}()
}

// StreamOnline reports whether a camera's stream delivers frames now, so
// the re-serve answers 503 for a camera that is down.
func (a *App) StreamOnline(camera, stream string) bool {
	c, ok := a.byID[camera]
	if !ok {
		return false
	}
	switch stream {
	case "", "main":
		return c.ingest.State().Status == ingest.StatusStreaming
	case "sub":
		return c.subIngest != nil && c.subIngest.State().Status == ingest.StatusStreaming
	}
	return false
}

// RTSPStreams reports the re-served streams and their reader counts; nil
// when the re-serve is off.
func (a *App) RTSPStreams() []rtspserve.StreamState {
	if a.rtsp == nil {
		return nil
	}
	return a.rtsp.Streams()
}
