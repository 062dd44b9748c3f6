package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// figures are one process's measurements over the window.
type figures struct {
	cpu       time.Duration // user+system over the window
	window    time.Duration
	peakRSS   int64 // bytes, VmHWM
	received  int64 // bytes received from the cameras in the window
	written   int64 // bytes written to disk in the window
	syncs     uint64
	indexSize int64
	videoSize int64
	upAfter   time.Duration // restart: exec to HTTP answering
	recAfter  time.Duration // restart: exec to every camera recording again
}

const warmup = 5 * time.Second

func measureBaseline(ctx context.Context, urls []string, window time.Duration, dir string) (figures, error) {
	cmd := exec.CommandContext(ctx, os.Args[0], "baseline", "-dir", dir, "-urls", strings.Join(urls, ","))
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return figures{}, err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	time.Sleep(warmup)
	b0 := dirBytes(dir)
	c0, err := procCPU(cmd.Process.Pid)
	if err != nil {
		return figures{}, err
	}
	time.Sleep(window)
	c1, err := procCPU(cmd.Process.Pid)
	if err != nil {
		return figures{}, err
	}
	f := figures{cpu: c1 - c0, window: window, received: dirBytes(dir) - b0}
	f.written = f.received
	f.peakRSS, err = procPeakRSS(cmd.Process.Pid)
	return f, err
}

type boxStatus struct {
	Storage struct {
		Used         int64  `json:"used_bytes"`
		BytesWritten int64  `json:"bytes_written"`
		Syncs        uint64 `json:"syncs"`
	} `json:"storage"`
	Cameras []struct {
		Status       string     `json:"status"`
		Bytes        int64      `json:"bytes_received"`
		LastRecorded *time.Time `json:"last_recorded"`
	} `json:"cameras"`
}

func measureRecorder(ctx context.Context, bin string, urls []string, window time.Duration, dir string) (figures, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return figures{}, err
	}
	port, err := freePort()
	if err != nil {
		return figures{}, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "box: {id: bench-01, name: bench, township: bench}\nstorage: {path: %q, size: 1536MiB, slot_size: 32MiB}\nhttp: {listen: \"127.0.0.1:%d\"}\nrtsp: {listen: \"\"}\nlive: {listen_ip: 127.0.0.1, udp_port: 0, tcp_port: 0}\ncameras:\n", filepath.Join(dir, "data"), port)
	for i, u := range urls {
		fmt.Fprintf(&b, "  - {id: cam%02d, name: cam%02d, main: %q, transport: tcp}\n", i, i, u)
	}
	cfg := filepath.Join(dir, "skyguard.yaml")
	if err := os.WriteFile(cfg, []byte(b.String()), 0o644); err != nil {
		return figures{}, err
	}
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	start := func() (*exec.Cmd, time.Time, error) {
		cmd := exec.CommandContext(ctx, bin, "run", "--config", cfg, "--log-level", "warn")
		cmd.Stderr = os.Stderr
		t := time.Now()
		return cmd, t, cmd.Start()
	}
	cmd, _, err := start()
	if err != nil {
		return figures{}, err
	}
	if _, _, err := waitRecording(base, time.Now(), 60*time.Second); err != nil {
		_ = cmd.Process.Kill()
		return figures{}, err
	}
	time.Sleep(warmup)
	s0, err := getStatus(base)
	if err != nil {
		return figures{}, err
	}
	c0, _ := procCPU(cmd.Process.Pid)
	time.Sleep(window)
	c1, _ := procCPU(cmd.Process.Pid)
	s1, err := getStatus(base)
	if err != nil {
		return figures{}, err
	}
	f := figures{cpu: c1 - c0, window: window}
	for i := range s1.Cameras {
		f.received += s1.Cameras[i].Bytes - s0.Cameras[i].Bytes
	}
	f.written = s1.Storage.BytesWritten - s0.Storage.BytesWritten
	f.syncs = s1.Storage.Syncs - s0.Storage.Syncs
	f.videoSize = s1.Storage.Used
	f.peakRSS, _ = procPeakRSS(cmd.Process.Pid)
	if fi, err := os.Stat(filepath.Join(dir, "data", "index.db")); err == nil {
		f.indexSize = fi.Size()
	}

	// Power cut, then time the way back.
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	cmd, t0, err := start()
	if err != nil {
		return f, err
	}
	defer func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() }()
	up, rec, err := waitRecording(base, t0, 60*time.Second)
	if err != nil {
		return f, fmt.Errorf("after SIGKILL: %w", err)
	}
	f.upAfter, f.recAfter = up, rec
	return f, nil
}

// waitRecording polls until HTTP answers and every camera has recorded a
// frame newer than since; it returns both delays.
func waitRecording(base string, since time.Time, within time.Duration) (up, rec time.Duration, err error) {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		s, err := getStatus(base)
		if err == nil {
			if up == 0 {
				up = time.Since(since)
			}
			all := len(s.Cameras) > 0
			for _, c := range s.Cameras {
				if c.LastRecorded == nil || c.LastRecorded.Before(since) {
					all = false
				}
			}
			if all {
				return up, time.Since(since), nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return up, 0, fmt.Errorf("not every camera recording within %s", within)
}

func getStatus(base string) (boxStatus, error) {
	var s boxStatus
	c := http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get(base + "/api/status")
	if err != nil {
		return s, err
	}
	defer resp.Body.Close()
	return s, json.NewDecoder(resp.Body).Decode(&s)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func dirBytes(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}
