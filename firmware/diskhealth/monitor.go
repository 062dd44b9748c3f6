package diskhealth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"skyguard/board/smart"
	"skyguard/recorder/ring"
)

// Health is a disk's state, ordered so the worse is the larger.
type Health int

// Health levels.
const (
	OK Health = iota
	Warning
	Fault
	Missing
)

func (h Health) String() string {
	switch h {
	case OK:
		return "ok"
	case Warning:
		return "warning"
	case Fault:
		return "fault"
	case Missing:
		return "missing"
	}
	return fmt.Sprintf("health(%d)", int(h))
}

// MarshalText gives the name in JSON.
func (h Health) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// Config names the disk and the limits.
type Config struct {
	Path         string // the data folder (storage.path)
	Device       string // block device for SMART and the kernel log, e.g. /dev/sda; optional
	RequireMount bool   // Path must be a mount point of its own
	// Free space of Path's filesystem below which it is a warning / fault
	// (the ring is preallocated, but its index grows). Defaults 256 MiB / 32 MiB.
	WarnFreeBytes, FaultFreeBytes int64
	// KernelErrorsFault is how many kernel I/O errors about the device make
	// it a fault (any make a warning); default 20.
	KernelErrorsFault int
	// LatencyWarn is the p99 of ring writes or syncs over the last minute
	// above which the disk is a warning; default 2 s. StuckFault is how
	// long one operation may hang before it is a fault; default 10 s.
	LatencyWarn, StuckFault time.Duration
	Interval                time.Duration // between checks; default 10 s
	// SmartInterval is how often SMART is read; the checks in between reuse
	// the last verdict. smartctl wakes a disk that spun down, so reading
	// it every Interval would keep the disk spinning; default 10 min.
	SmartInterval time.Duration
}

// Sources are where the monitor looks; nil ones are skipped or defaulted.
type Sources struct {
	Kernel KernelLog                                             // default Dmesg
	Smart  func(ctx context.Context, dev string) ([]byte, error) // default Smartctl
	Free   func(path string) (int64, error)                      // default FreeBytes
	Ring   func() ring.Stats                                     // the ring's own counters; optional
	Events interface {
		AddEvent(kind, camera, msg string)
	} // state changes go here; optional
	Now func() time.Time // the clock, for SmartInterval; default time.Now
}

// Status is the outcome of the last check.
type Status struct {
	State          Health        `json:"state"`
	Reason         string        `json:"reason,omitempty"`
	Since          time.Time     `json:"since"`
	Checked        time.Time     `json:"checked"`
	Path           string        `json:"path"`
	Device         string        `json:"device,omitempty"`
	FreeBytes      int64         `json:"free_bytes"`
	SMART          string        `json:"smart,omitempty"` // ok|warning|fault, empty when not read
	KernelIOErrors int           `json:"kernel_io_errors"`
	WriteP99       time.Duration `json:"write_p99_ns"`
	SyncP99        time.Duration `json:"sync_p99_ns"`
}

// Monitor checks the disk periodically.
type Monitor struct {
	cfg Config
	src Sources
	log *slog.Logger

	mu     sync.Mutex
	status Status
	first  bool

	// The last SMART read, reused until SmartInterval has passed. smartMu
	// is its own lock: it is held across smartctl, which may take seconds.
	smartMu   sync.Mutex
	smartAt   time.Time
	smartRead bool
	smartRes  smartResult
}

// smartResult is one SMART read's verdict, kept between reads.
type smartResult struct {
	health string    // Status.SMART
	finds  []finding // what it added
}

// New makes a monitor; call Run.
func New(cfg Config, src Sources, log *slog.Logger) *Monitor {
	if log == nil {
		log = slog.Default()
	}
	if cfg.WarnFreeBytes <= 0 {
		cfg.WarnFreeBytes = 256 << 20
	}
	if cfg.FaultFreeBytes <= 0 {
		cfg.FaultFreeBytes = 32 << 20
	}
	if cfg.KernelErrorsFault <= 0 {
		cfg.KernelErrorsFault = 20
	}
	if cfg.LatencyWarn <= 0 {
		cfg.LatencyWarn = 2 * time.Second
	}
	if cfg.StuckFault <= 0 {
		cfg.StuckFault = 10 * time.Second
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 10 * time.Second
	}
	if cfg.SmartInterval <= 0 {
		cfg.SmartInterval = 10 * time.Minute
	}
	if src.Now == nil {
		src.Now = time.Now
	}
	if src.Kernel == nil {
		src.Kernel = Dmesg{}
	}
	if src.Smart == nil {
		src.Smart = Smartctl
	}
	if src.Free == nil {
		src.Free = FreeBytes
	}
	return &Monitor{cfg: cfg, src: src, log: log.With("disk", cfg.Path), first: true,
		status: Status{State: OK, Path: cfg.Path, Device: cfg.Device, Since: time.Now()}}
}

// State is the disk's health, for the LEDs.
func (m *Monitor) State() Health {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.status.State
}

// Status is the last check's outcome.
func (m *Monitor) Status() Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.status
}

// Run checks at once and then every Interval until ctx ends.
func (m *Monitor) Run(ctx context.Context) error {
	t := time.NewTicker(m.cfg.Interval)
	defer t.Stop()
	for {
		m.Check(ctx)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// finding is one observation with its level.
type finding struct {
	h   Health
	msg string
}

// Check looks at the disk once, updates the state and reports a change
// as a "disk-health" event.
func (m *Monitor) Check(ctx context.Context) Status {
	st := Status{Path: m.cfg.Path, Device: m.cfg.Device, Checked: time.Now()}
	var fs []finding
	add := func(h Health, format string, a ...any) { fs = append(fs, finding{h, fmt.Sprintf(format, a...)}) }

	if err := isDir(m.cfg.Path); err != nil {
		add(Missing, "data folder missing: %v", err)
	} else {
		if m.cfg.RequireMount {
			if mp, err := isMountPoint(m.cfg.Path); err != nil {
				add(Missing, "data folder: %v", err)
			} else if !mp {
				add(Missing, "data disk not mounted at %s", m.cfg.Path)
			}
		}
		if err := writable(m.cfg.Path); err != nil {
			add(Fault, "%v", err)
		}
		if free, err := m.src.Free(m.cfg.Path); err != nil {
			add(Warning, "free space unknown: %v", err)
		} else {
			st.FreeBytes = free
			switch {
			case free < m.cfg.FaultFreeBytes:
				add(Fault, "disk full: %d MiB free on the data filesystem", free>>20)
			case free < m.cfg.WarnFreeBytes:
				add(Warning, "disk nearly full: %d MiB free on the data filesystem", free>>20)
			}
		}
	}
	if m.cfg.Device != "" {
		if err := statDevice(m.cfg.Device); err != nil {
			add(Missing, "disk device gone: %v", err)
			m.smartMu.Lock()
			m.smartRead = false // read it as soon as it is back
			m.smartMu.Unlock()
		} else {
			m.smartMu.Lock()
			if now := m.src.Now(); !m.smartRead || now.Sub(m.smartAt) >= m.cfg.SmartInterval {
				m.smartRes, m.smartRead, m.smartAt = m.readSmart(ctx), true, now
			}
			st.SMART = m.smartRes.health
			fs = append(fs, m.smartRes.finds...)
			m.smartMu.Unlock()
		}
	}
	if m.cfg.Device != "" { // errors are only counted for the data disk
		m.checkKernel(ctx, &st, add)
	}
	if m.src.Ring != nil {
		rs := m.src.Ring()
		if rs.Fault != "" {
			add(Fault, "recording stopped: %s", rs.Fault)
		}
		st.WriteP99, st.SyncP99 = rs.IO.WriteP99, rs.IO.SyncP99
		switch {
		case rs.IO.StuckFor > m.cfg.StuckFault:
			add(Fault, "disk hung: a write has been waiting %s", rs.IO.StuckFor.Round(time.Second))
		case max(rs.IO.WriteP99, rs.IO.SyncP99) > m.cfg.LatencyWarn:
			add(Warning, "disk slow: p99 write %s, sync %s over the last minute",
				rs.IO.WriteP99.Round(time.Millisecond), rs.IO.SyncP99.Round(time.Millisecond))
		}
	}

	// Worst first; the state is the worst finding.
	var msgs []string
	for h := Missing; h >= Warning; h-- {
		for _, f := range fs {
			if f.h == h {
				msgs = append(msgs, f.msg)
				st.State = max(st.State, h)
			}
		}
	}
	st.Reason = strings.Join(msgs, "; ")

	m.mu.Lock()
	prev := m.status
	first := m.first
	m.first = false
	st.Since = prev.Since
	changed := st.State != prev.State
	if changed {
		st.Since = st.Checked
	}
	m.status = st
	m.mu.Unlock()
	if changed || (first && st.State != OK) {
		msg := fmt.Sprintf("%s -> %s", prev.State, st.State)
		if st.Reason != "" {
			msg += ": " + st.Reason
		}
		if st.State == OK {
			m.log.Info("disk health", "state", st.State, "was", prev.State)
		} else {
			m.log.Warn("disk health", "state", st.State, "was", prev.State, "reason", st.Reason)
		}
		if m.src.Events != nil {
			m.src.Events.AddEvent("disk-health", "", msg)
		}
	}
	return st
}

// readSmart runs smartctl once and judges its report.
func (m *Monitor) readSmart(ctx context.Context) smartResult {
	var r smartResult
	add := func(h Health, format string, a ...any) {
		r.finds = append(r.finds, finding{h, fmt.Sprintf(format, a...)})
	}
	out, err := m.src.Smart(ctx, m.cfg.Device)
	if errors.Is(err, ErrNoSmartctl) {
		return r
	}
	if err != nil {
		add(Warning, "SMART unreadable: %v", err)
		return r
	}
	rep, err := smart.Parse(out)
	if err != nil {
		add(Warning, "SMART unreadable: %v", err)
		return r
	}
	v := smart.Classify(rep)
	r.health = v.Health.String()
	switch v.Health {
	case smart.Fault:
		add(Fault, "SMART: %s", v.Reason)
	case smart.Warning:
		add(Warning, "SMART: %s", v.Reason)
	}
	return r
}

func (m *Monitor) checkKernel(ctx context.Context, st *Status, add func(Health, string, ...any)) {
	lines, err := m.src.Kernel.Lines(ctx)
	if err != nil {
		// Not readable (no permission, no dmesg): nothing to judge.
		m.log.Debug("disk health: kernel log unreadable", "err", err)
		return
	}
	dev := filepath.Base(m.cfg.Device)
	n := 0
	for _, l := range lines {
		if strings.Contains(l, "I/O error") && strings.Contains(l, dev) {
			n++
		}
	}
	st.KernelIOErrors = n
	switch {
	case n >= m.cfg.KernelErrorsFault:
		add(Fault, "kernel log: %d I/O errors on %s", n, dev)
	case n > 0:
		add(Warning, "kernel log: %d I/O errors on %s", n, dev)
	}
}
