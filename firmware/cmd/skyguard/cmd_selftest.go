package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"time"

	"skyguard/firmware/app"
	"skyguard/firmware/demo"
	"skyguard/recorder/export"
	"skyguard/recorder/ring"
)

// cmdSelftest proves a build works on the machine it runs on: it records
// the bundled fake cameras into a temporary ring for a few seconds and
// exports each camera's recording as an MP4.
func cmdSelftest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("selftest", stderr)
	secs := fs.Duration("duration", 5*time.Second, "how long to record")
	outDir := fs.String("out", "", "folder for the exported MP4s (default: a temporary folder, removed)")
	level := fs.String("log-level", "warn", "debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "skyguard-selftest")
	if err != nil {
		return fmt.Errorf("selftest: %w", err)
	}
	defer os.RemoveAll(tmp)
	if *outDir == "" {
		*outDir = tmp
	}
	log := newLogger(stderr, *level)
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	data := filepath.Join(tmp, "data")
	cfg, err := demo.Start(rctx, demo.Options{DataDir: data, Listen: "127.0.0.1:0", Size: 64 << 20, SlotSize: 4 << 20, CameraAddr: "127.0.0.1:0"}, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("selftest: %w", err)
	}
	began := time.Now()
	done := make(chan error, 1)
	go func() { done <- app.Run(rctx, cfg, app.Options{Logger: log, Listener: ln}) }()
	select {
	case err := <-done:
		return fmt.Errorf("selftest: box stopped early: %w", err)
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(*secs):
	}
	cancel()
	if err := <-done; err != nil {
		return fmt.Errorf("selftest: box: %w", err)
	}
	store, err := ring.Open(data, ring.Options{Logger: log})
	if err != nil {
		return fmt.Errorf("selftest: %w", err)
	}
	defer store.Close()
	var failed error
	for _, cam := range cfg.Cameras {
		path := filepath.Join(*outDir, cam.ID+".mp4")
		n, frames, err := exportAll(store, cam.ID, began.Add(-time.Minute), time.Now(), path)
		if err != nil {
			failed = errors.Join(failed, fmt.Errorf("camera %s: %w", cam.ID, err))
			continue
		}
		fmt.Fprintf(stdout, "selftest: %s: %d frames, %d bytes -> %s\n", cam.ID, frames, n, path)
	}
	if failed != nil {
		return fmt.Errorf("selftest: %w", failed)
	}
	fmt.Fprintln(stdout, "selftest: ok")
	return nil
}

// exportAll writes a camera's recording in [from, to] to path.
func exportAll(store *ring.Store, cam string, from, to time.Time, path string) (int64, int, error) {
	clip, err := store.Clip(cam, from, to)
	if err != nil {
		return 0, 0, err
	}
	m, err := export.NewMP4(export.Clip{Params: clip.Params, Start: clip.Start, Samples: clip.Samples, Data: clip.Data})
	if err != nil {
		return 0, 0, err
	}
	n, err := writeFileAtomic(path, m)
	return n, len(clip.Samples), err
}

// writeFileAtomic writes r to path through a temporary file and a rename,
// so a crash never leaves half a file under the final name.
func writeFileAtomic(path string, r io.Reader) (int64, error) {
	tmp := path + ".part"
	f, err := os.Create(tmp)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	return n, nil
}
