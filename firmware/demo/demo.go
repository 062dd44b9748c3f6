// Package demo is the box's embedded default: a bundled fake camera serving
// encoder-made clips on loopback, and a config recording them into a local
// folder. `make run` starts it; it needs no hardware and no network.
package demo

import (
	"context"
	"fmt"
	"log/slog"

	"skyguard/firmware/config"
	"skyguard/tools/fakecam"
)

// Options shape the demo box.
type Options struct {
	DataDir  string
	Listen   string
	Size     int64
	SlotSize int64
	// CameraAddr is where the fake camera listens; "127.0.0.1:0" picks a port.
	CameraAddr string
	// RTSPListen is where the cameras' streams are re-served; "" turns it off.
	RTSPListen string
}

// Start starts the fake camera and returns the demo config pointing at it.
// The camera runs until ctx ends.
func Start(ctx context.Context, opt Options, log *slog.Logger) (*config.Config, error) {
	cam, err := fakecam.New(fakecam.Options{Addr: opt.CameraAddr, Logger: log.With("part", "fakecam")})
	if err != nil {
		return nil, fmt.Errorf("demo: start fake camera: %w", err)
	}
	go func() {
		if err := cam.Run(ctx); err != nil && ctx.Err() == nil {
			log.Error("demo: fake camera stopped", "err", err)
		}
	}()
	base := "rtsp://" + cam.Addr()
	cfg := &config.Config{
		Box:     config.Box{ID: "demo-01", Name: "演示录像机 Demo recorder", Township: "嘉祥街道"},
		Storage: config.Storage{Path: opt.DataDir, Size: opt.Size, SlotSize: opt.SlotSize},
		HTTP:    config.HTTP{Listen: opt.Listen},
		RTSP:    config.RTSP{Listen: opt.RTSPListen},
		// The demo's browser is on the same machine: live view on loopback.
		Live: config.Live{ListenIP: "127.0.0.1", UDPPort: 0, TCPPort: 0, LoopbackCandidates: true,
			MaxViewers: config.DefaultLiveMaxViewers, MaxViewersPerCamera: 8},
		Cameras: []config.Camera{
			{ID: "cam-h264", Name: "陈庄西大洼 (H.264)", Main: base + "/h264/main", Sub: base + "/h264/sub", Transport: "tcp"},
			{ID: "cam-h265", Name: "嘉祥村东鸟儿洼 (H.265)", Main: base + "/h265/main", Transport: "tcp"},
		},
	}
	return cfg, nil
}
