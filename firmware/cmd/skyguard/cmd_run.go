package main

import (
	"context"
	"fmt"
	"io"

	"path/filepath"

	"skyguard/firmware/app"
	"skyguard/firmware/config"
	"skyguard/firmware/demo"
	"skyguard/firmware/version"
)

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("run", stderr)
	path := fs.String("config", "/etc/skyguard/skyguard.yaml", "provisioning file")
	level := fs.String("log-level", "info", "debug, info, warn or error")
	newIndex := fs.Bool("new-index", false, "if the index was written by a newer firmware, keep it aside as index.db.schemaN and rebuild one from the slots")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	log := newLogger(stderr, *level)
	log.Info("starting", "version", version.String(), "config", *path)
	return app.Run(ctx, cfg, app.Options{Logger: log, NewIndex: *newIndex})
}

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", stderr)
	data := fs.String("data", "demo-data", "data folder for the demo ring")
	listen := fs.String("listen", "127.0.0.1:8080", "web UI address")
	camAddr := fs.String("camera-listen", "127.0.0.1:0", "fake camera RTSP address")
	rtspListen := fs.String("rtsp-listen", "127.0.0.1:8554", "RTSP re-serve address of the cameras' streams (\"\" turns it off)")
	size := fs.String("size", "1GiB", "ring size")
	slot := fs.String("slot-size", "32MiB", "slot size")
	level := fs.String("log-level", "info", "debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sz, err := config.ParseSize(*size)
	if err != nil {
		return fmt.Errorf("--size: %w", err)
	}
	ssz, err := config.ParseSize(*slot)
	if err != nil {
		return fmt.Errorf("--slot-size: %w", err)
	}
	abs, err := filepath.Abs(*data)
	if err != nil {
		return err
	}
	log := newLogger(stderr, *level)
	cfg, err := demo.Start(ctx, demo.Options{DataDir: abs, Listen: *listen, Size: sz, SlotSize: ssz, CameraAddr: *camAddr, RTSPListen: *rtspListen}, log)
	if err != nil {
		return err
	}
	log.Info("demo box: open the web UI", "url", "http://"+*listen+"/", "data", abs)
	return app.Run(ctx, cfg, app.Options{Logger: log})
}

func cmdCheckConfig(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check-config", stderr)
	offline := fs.Bool("offline", false, "check the file only, not the disk it names (for files written for another box)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: one config file expected", errUsage)
	}
	cfg, err := config.Load(fs.Arg(0))
	if err != nil {
		return err
	}
	if !*offline {
		if err := cfg.CheckDisk(app.DiskFree); err != nil {
			return fmt.Errorf("%w (on another box? --offline checks the file alone)", err)
		}
	}
	fmt.Fprintf(stdout, "%s: ok: box %s, %d cameras, storage %s\n", fs.Arg(0), cfg.Box.ID, len(cfg.Cameras), cfg.Storage.Path)
	return nil
}

func cmdVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fmt.Fprintln(stdout, version.String())
	return nil
}
