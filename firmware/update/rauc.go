package update

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// RAUC drives the rauc command-line tool. D-Bus would give structured
// progress, but the CLI is what every image has and what a technician
// runs by hand, so the service speaks it too.
type RAUC struct {
	// Path is the rauc binary ("rauc" looks it up in PATH).
	Path string
	// MarkGoodCmd and MarkBadCmd, when set, replace `rauc status
	// mark-good|mark-bad` (e.g. a tryboot helper that also makes the
	// switch permanent). Each is argv, run without a shell.
	MarkGoodCmd []string
	MarkBadCmd  []string
}

// Available reports whether the rauc binary exists.
func (r *RAUC) Available() bool {
	_, err := exec.LookPath(r.path())
	return err == nil
}

func (r *RAUC) path() string {
	if r.Path == "" {
		return "rauc"
	}
	return r.Path
}

// run runs rauc with args and returns its stdout; a failure carries the
// tool's own message (stderr, else stdout).
func (r *RAUC) run(ctx context.Context, argv []string) ([]byte, error) {
	if !r.Available() && (len(argv) == 0 || argv[0] == r.path()) {
		return nil, ErrUnavailable
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), fmt.Errorf("%s: %w", toolMessage(stderr.String(), stdout.String(), err), err)
	}
	return stdout.Bytes(), nil
}

// toolMessage picks the most useful text of a failed command: its last
// non-empty stderr lines, or stdout's, or the exit status.
func toolMessage(stderr, stdout string, err error) string {
	for _, s := range []string{stderr, stdout} {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		lines := strings.Split(s, "\n")
		if len(lines) > 3 {
			lines = lines[len(lines)-3:]
		}
		return strings.Join(lines, "; ")
	}
	return err.Error()
}

// Info implements Installer.
func (r *RAUC) Info(ctx context.Context, bundle string) (BundleInfo, error) {
	out, err := r.run(ctx, []string{r.path(), "info", "--output-format=json", bundle})
	if err != nil {
		return BundleInfo{}, fmt.Errorf("rauc info %s: %w", bundle, err)
	}
	var bi BundleInfo
	if err := json.Unmarshal(out, &bi); err != nil {
		return BundleInfo{}, fmt.Errorf("rauc info %s: parse its JSON: %w", bundle, err)
	}
	return bi, nil
}

// Install implements Installer: `rauc install` prints "NN% message"
// lines as it goes, which are handed to progress.
func (r *RAUC) Install(ctx context.Context, bundle string, progress func(Progress)) error {
	if !r.Available() {
		return ErrUnavailable
	}
	cmd := exec.CommandContext(ctx, r.path(), "install", bundle)
	// Children of rauc that outlive it must not hold Wait forever.
	cmd.WaitDelay = 5 * time.Second
	var stderr bytes.Buffer
	var tail lastLines
	cmd.Stderr = &stderr
	cmd.Stdout = &lineWriter{line: func(line string) {
		tail.add(line)
		if p, ok := ParseProgress(line); ok && progress != nil {
			progress(p)
		}
	}}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("rauc install %s: %s: %w", bundle, toolMessage(stderr.String(), tail.String(), err), err)
	}
	return nil
}

// lineWriter calls line for each complete line written to it; exec
// writes to it from one goroutine.
type lineWriter struct {
	buf  []byte
	line func(string)
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		w.line(string(w.buf[:i]))
		w.buf = w.buf[i+1:]
	}
	if len(w.buf) > 64<<10 { // a runaway line: keep memory bounded
		w.buf = w.buf[:0]
	}
	return len(p), nil
}

// lastLines keeps the last few lines of a command's output.
type lastLines struct{ l []string }

func (t *lastLines) add(s string) {
	if strings.TrimSpace(s) == "" {
		return
	}
	t.l = append(t.l, s)
	if len(t.l) > 3 {
		t.l = t.l[1:]
	}
}

func (t *lastLines) String() string { return strings.Join(t.l, "\n") }

// raucStatus is `rauc status --output-format=json`: slots is a list of
// one-key objects, slot name -> details.
type raucStatus struct {
	Compatible  string                      `json:"compatible"`
	Booted      string                      `json:"booted"`
	BootPrimary string                      `json:"boot_primary"`
	Slots       []map[string]raucStatusSlot `json:"slots"`
}

type raucStatusSlot struct {
	Class      string `json:"class"`
	BootName   string `json:"bootname"`
	State      string `json:"state"`
	BootStatus string `json:"boot_status"`
	SlotStatus struct {
		Bundle struct {
			Version string `json:"version"`
		} `json:"bundle"`
	} `json:"slot_status"`
}

// Status implements Installer.
func (r *RAUC) Status(ctx context.Context) (SlotStatus, error) {
	out, err := r.run(ctx, []string{r.path(), "status", "--output-format=json"})
	if err != nil {
		if errors.Is(err, ErrUnavailable) {
			return SlotStatus{}, err
		}
		return SlotStatus{}, fmt.Errorf("rauc status: %w", err)
	}
	return parseStatus(out)
}

func parseStatus(out []byte) (SlotStatus, error) {
	var rs raucStatus
	if err := json.Unmarshal(out, &rs); err != nil {
		return SlotStatus{}, fmt.Errorf("rauc status: parse its JSON: %w", err)
	}
	st := SlotStatus{Compatible: rs.Compatible, Booted: rs.Booted}
	for _, m := range rs.Slots {
		for name, s := range m {
			if s.Class != "" && s.Class != "rootfs" {
				continue
			}
			st.Slots = append(st.Slots, Slot{Name: name, BootName: s.BootName, State: s.State,
				BootStatus: s.BootStatus, Version: s.SlotStatus.Bundle.Version})
			if name == rs.BootPrimary {
				st.Primary = s.BootName
			}
		}
	}
	return st, nil
}

// MarkGood implements Installer.
func (r *RAUC) MarkGood(ctx context.Context) error {
	argv := r.MarkGoodCmd
	if len(argv) == 0 {
		argv = []string{r.path(), "status", "mark-good"}
	}
	if _, err := r.run(ctx, argv); err != nil {
		return fmt.Errorf("mark slot good (%s): %w", strings.Join(argv, " "), err)
	}
	return nil
}

// MarkBad implements Installer.
func (r *RAUC) MarkBad(ctx context.Context) error {
	argv := r.MarkBadCmd
	if len(argv) == 0 {
		argv = []string{r.path(), "status", "mark-bad"}
	}
	if _, err := r.run(ctx, argv); err != nil {
		return fmt.Errorf("mark slot bad (%s): %w", strings.Join(argv, " "), err)
	}
	return nil
}
