// Command bench measures the recorder against a bare RTSP client in one run,
// so the figures are ratios on the same noisy machine: 16 cameras at
// ~3.5 Mbit/s 1080p25 from an in-process RTSP server, recorded by the real
// `skyguard run` in a child process; then the same streams taken by a bare
// gortsplib client that only appends RTP payloads to files. It reports CPU
// per camera, peak RSS, bytes written vs received, fsyncs per second, index
// size vs video size, and restart-to-recording time after SIGKILL.
//
//	go run ./tools/bench [-cameras 16] [-seconds 30] [-bin bin/skyguard]
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"skyguard/recorder/media"
	"skyguard/tools/fakecam"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "baseline" {
		if err := runBaseline(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "baseline:", err)
			os.Exit(1)
		}
		return
	}
	cams := flag.Int("cameras", 16, "cameras to record")
	secs := flag.Int("seconds", 30, "measurement window")
	bin := flag.String("bin", "bin/skyguard", "skyguard binary")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *cams, time.Duration(*secs)*time.Second, *bin); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, n int, window time.Duration, bin string) error {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := fakecam.New(fakecam.Options{Addr: "127.0.0.1:0", Logger: log})
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		if err := srv.AddStream(fmt.Sprintf("/bench/%02d", i), media.CodecH264, fakecam.ClipH264Main(), 25); err != nil {
			return err
		}
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go srv.Run(sctx)
	urls := make([]string, n)
	for i := range urls {
		urls[i] = srv.URL(fmt.Sprintf("/bench/%02d", i))
	}
	tmp, err := os.MkdirTemp("", "skyguard-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	fmt.Printf("bench: %d cameras, 1080p25 H.264 clip, %s window, GOMAXPROCS of children unchanged\n\n", n, window)
	base, err := measureBaseline(ctx, urls, window, filepath.Join(tmp, "baseline"))
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	rec, err := measureRecorder(ctx, bin, urls, window, filepath.Join(tmp, "box"))
	if err != nil {
		return fmt.Errorf("recorder: %w", err)
	}
	report(n, base, rec)
	return nil
}
