package main

import (
	"fmt"
	"time"
)

func report(n int, base, rec figures) {
	perCore := func(f figures) float64 { return 100 * f.cpu.Seconds() / f.window.Seconds() / float64(n) }
	mib := func(b int64) float64 { return float64(b) / (1 << 20) }
	fmt.Printf("%-34s %14s %14s %8s\n", "per camera", "bare client", "skyguard", "ratio")
	fmt.Printf("%-34s %13.3f%% %13.3f%% %8.2f\n", "CPU (% of one core)", perCore(base), perCore(rec), perCore(rec)/perCore(base))
	fmt.Printf("%-34s %14.2f %14.2f %8.2f\n", "peak RSS (MiB, whole process / n)", mib(base.peakRSS)/float64(n), mib(rec.peakRSS)/float64(n), float64(rec.peakRSS)/float64(base.peakRSS))
	fmt.Printf("%-34s %14.2f %14.2f\n", "Mbit/s received", 8*float64(base.received)/base.window.Seconds()/1e6/float64(n), 8*float64(rec.received)/rec.window.Seconds()/1e6/float64(n))
	fmt.Println()
	fmt.Printf("skyguard: bytes written / received      %.3f\n", float64(rec.written)/float64(max(rec.received, 1)))
	fmt.Printf("skyguard: fdatasync rounds per second   %.2f\n", float64(rec.syncs)/rec.window.Seconds())
	fmt.Printf("skyguard: index / video bytes           %.4f%% (%d B index, %.1f MiB video)\n", 100*float64(rec.indexSize)/float64(max(rec.videoSize, 1)), rec.indexSize, mib(rec.videoSize))
	fmt.Printf("skyguard: after SIGKILL, HTTP up in     %s\n", rec.upAfter.Round(time.Millisecond))
	fmt.Printf("skyguard: after SIGKILL, recording in   %s (every camera has a new frame on disk)\n", rec.recAfter.Round(time.Millisecond))
	fmt.Printf("targets: CPU < 0.3%%/camera, RSS < 2.5 MiB/camera, index < 0.1%%, restart-to-recording < 3 s\n")
}
