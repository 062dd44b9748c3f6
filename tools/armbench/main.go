// Command armbench compares the firmware on arm64 (under qemu-user) with
// amd64 in one run on one machine: binary sizes, resident memory at idle
// (no camera) and while recording 8 cameras, and the time from process
// start to the first recorded frame. Figures under qemu are emulation
// figures: use them as ratios to the amd64 run, not as a Pi's numbers.
//
//	go run ./tools/armbench [-cameras 8] [-settle 15s]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"skyguard/recorder/media"
	"skyguard/tools/fakecam"
)

func main() {
	cams := flag.Int("cameras", 8, "cameras to record")
	settle := flag.Duration("settle", 15*time.Second, "recording time before RSS is read")
	flag.Parse()
	if err := run(*cams, *settle); err != nil {
		fmt.Fprintln(os.Stderr, "armbench:", err)
		os.Exit(1)
	}
}

func run(n int, settle time.Duration) error {
	work, err := os.MkdirTemp("", "armbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := fakecam.New(fakecam.Options{Addr: "127.0.0.1:0", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	var urls []string
	for i := 0; i < n; i++ {
		p := fmt.Sprintf("/bench/%02d", i)
		if err := srv.AddStream(p, media.CodecH264, fakecam.ClipH264Main(), 25); err != nil {
			return err
		}
		urls = append(urls, srv.URL(p))
	}
	go srv.Run(ctx)

	fmt.Printf("%-6s %10s %10s %12s %14s\n", "arch", "size MiB", "idle RSS", "8-cam RSS", "first frame")
	for _, arch := range []string{"amd64", "arm64"} {
		bin := filepath.Join(work, "skyguard-"+arch)
		build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, "./firmware/cmd/skyguard")
		build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
		if out, err := build.CombinedOutput(); err != nil {
			return fmt.Errorf("build %s: %v\n%s", arch, err, out)
		}
		fi, err := os.Stat(bin)
		if err != nil {
			return err
		}
		argv := []string{bin}
		if arch == "arm64" {
			argv = []string{"qemu-aarch64-static", bin}
		}
		idle, _, err := measure(argv, filepath.Join(work, arch+"-idle"), nil, 3*time.Second)
		if err != nil {
			return fmt.Errorf("%s idle: %w", arch, err)
		}
		busy, first, err := measure(argv, filepath.Join(work, arch+"-busy"), urls, settle)
		if err != nil {
			return fmt.Errorf("%s recording: %w", arch, err)
		}
		fmt.Printf("%-6s %10.1f %9.1fM %11.1fM %14s\n", arch, float64(fi.Size())/(1<<20), float64(idle)/(1<<20), float64(busy)/(1<<20), first.Round(10*time.Millisecond))
	}
	return nil
}

// measure runs the box on cams and returns its RSS after settle and the
// time from start to the first recorded frame (0 without cameras).
func measure(argv []string, dir string, cams []string, settle time.Duration) (int64, time.Duration, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, 0, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	var b strings.Builder
	fmt.Fprintf(&b, "box: {id: bench}\nstorage: {path: %q, size: %dMiB, slot_size: 16MiB}\n", filepath.Join(dir, "data"), 16*(len(cams)+4))
	fmt.Fprintf(&b, "http: {listen: \"127.0.0.1:%d\"}\nrtsp: {listen: \"\"}\nlive: {listen_ip: 127.0.0.1, udp_port: 0, tcp_port: 0}\ncameras:", port)
	if len(cams) == 0 {
		b.WriteString(" []\n")
	} else {
		b.WriteString("\n")
	}
	for i, u := range cams {
		fmt.Fprintf(&b, "  - {id: c%02d, main: %q, transport: tcp}\n", i, u)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, 0, err
	}
	cfg := filepath.Join(dir, "skyguard.yaml")
	if err := os.WriteFile(cfg, []byte(b.String()), 0o644); err != nil {
		return 0, 0, err
	}
	cmd := exec.Command(argv[0], append(argv[1:], "run", "--config", cfg, "--log-level", "warn")...)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}()
	var first time.Duration
	url := fmt.Sprintf("http://127.0.0.1:%d/api/status", port)
	for deadline := start.Add(120 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var st struct {
			Cameras []struct {
				LastRecorded *time.Time `json:"last_recorded"`
			} `json:"cameras"`
		}
		resp, err := http.Get(url)
		if err != nil {
			continue
		}
		err = json.NewDecoder(resp.Body).Decode(&st)
		resp.Body.Close()
		if err != nil {
			continue
		}
		if len(cams) == 0 {
			break
		}
		if recorded(st.Cameras) {
			first = time.Since(start)
			break
		}
	}
	if len(cams) > 0 && first == 0 {
		return 0, 0, fmt.Errorf("no frame recorded within 120 s")
	}
	time.Sleep(settle)
	rss, err := rssOf(cmd.Process.Pid)
	return rss, first, err
}

func recorded(cams []struct {
	LastRecorded *time.Time `json:"last_recorded"`
}) bool {
	for _, c := range cams {
		if c.LastRecorded != nil {
			return true
		}
	}
	return false
}

// rssOf reads VmRSS of a process (for qemu-user: the emulator's, which
// includes the emulated program and the translation cache).
func rssOf(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read RSS: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS for pid %d", pid)
}
