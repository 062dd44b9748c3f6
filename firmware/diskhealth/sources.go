package diskhealth

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"time"

	"golang.org/x/sys/unix"
)

// KernelLog gives the kernel's log lines; an interface so tests feed lines.
type KernelLog interface {
	Lines(ctx context.Context) ([]string, error)
}

// Dmesg reads the kernel ring buffer through `dmesg`, the one reader that
// needs no state between calls (/dev/kmsg would hand out each line once).
type Dmesg struct{}

// Lines runs dmesg.
func (Dmesg) Lines(ctx context.Context) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "dmesg").Output()
	if err != nil {
		return nil, fmt.Errorf("run dmesg: %w", err)
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines, nil
}

// ErrNoSmartctl means smartctl is not installed: SMART is then not judged.
var ErrNoSmartctl = errors.New("smartctl not installed")

// Smartctl runs `smartctl --json -a DEV`. Its exit status is a bit mask
// that is non-zero for a failing disk too, so the JSON is what counts.
func Smartctl(ctx context.Context, dev string) ([]byte, error) {
	path, err := exec.LookPath("smartctl")
	if err != nil {
		return nil, ErrNoSmartctl
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--json", "-a", dev).Output()
	if len(out) == 0 && err != nil {
		return nil, fmt.Errorf("run smartctl -a %s: %w", dev, err)
	}
	return out, nil
}

// FreeBytes is the space left to unprivileged writers on path's filesystem.
func FreeBytes(path string) (int64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return 0, fmt.Errorf("statfs %s: %w", path, err)
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}

// isMountPoint says whether path is the root of a filesystem of its own:
// its device differs from its parent's (or it is /).
func isMountPoint(path string) (bool, error) {
	var a, b unix.Stat_t
	if err := unix.Stat(path, &a); err != nil {
		return false, fmt.Errorf("stat %s: %w", path, err)
	}
	if err := unix.Stat(path+"/..", &b); err != nil {
		return false, fmt.Errorf("stat parent of %s: %w", path, err)
	}
	return a.Dev != b.Dev || a.Ino == b.Ino, nil
}

func writable(path string) error {
	if err := unix.Access(path, unix.W_OK); err != nil {
		return fmt.Errorf("%s is not writable: %w", path, err)
	}
	return nil
}

func isDir(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", path)
	}
	return nil
}

// statDevice checks that the block device node is there.
func statDevice(dev string) error {
	if _, err := os.Stat(dev); err != nil {
		return fmt.Errorf("%s: %w", dev, err)
	}
	return nil
}
