package config

import (
	"net"
	"path/filepath"
	"strconv"
)

// Board is the front-panel hardware: the simulator (demo, development) or
// GPIO lines described by a board profile, plus the hardware watchdog.
type Board struct {
	Kind     string // "sim" or "gpio"
	Profile  string // board profile (board/gpio/PROFILES.md), for gpio
	Watchdog string // watchdog device; empty disables it
	Settings string // directory of the first-boot settings file; see SettingsDir
}

// Uplink is the upstream reachability check behind the net LED.
type Uplink struct {
	Check string // host:port to TCP-connect to; empty: uplink unknown
}

// Board defaults. The watchdog defaults on only for gpio boards: a
// development machine's /dev/watchdog is not ours to arm.
const (
	BoardSim        = "sim"
	BoardGPIO       = "gpio"
	DefaultProfile  = "/etc/skyguard/board.yaml"
	DefaultWatchdog = "/dev/watchdog"
)

func parseBoard(l *errorList, f field) Board {
	b := Board{Kind: BoardSim, Profile: DefaultProfile}
	if f.key == nil {
		return b
	}
	fs := l.fields(f.val, "board", "kind", "profile", "watchdog", "settings")
	kind, line := l.optional(fs, "kind", "board", BoardSim, f.key.Line)
	switch kind {
	case BoardSim, BoardGPIO:
		b.Kind = kind
	default:
		l.add(line, "board.kind", "%q is neither %q nor %q", kind, BoardSim, BoardGPIO)
	}
	b.Profile, line = l.optional(fs, "profile", "board", DefaultProfile, f.key.Line)
	if !filepath.IsAbs(b.Profile) {
		l.add(line, "board.profile", "%q is not an absolute path", b.Profile)
	}
	wdDefault := ""
	if b.Kind == BoardGPIO {
		wdDefault = DefaultWatchdog
	}
	b.Watchdog = wdDefault
	if wf, ok := fs["watchdog"]; ok {
		// An explicit empty value (`watchdog: ""` or `watchdog:`) disables it.
		b.Watchdog, _ = l.str(wf, "board.watchdog")
		if b.Watchdog != "" && !filepath.IsAbs(b.Watchdog) {
			l.add(wf.val.Line, "board.watchdog", "%q is not an absolute path", b.Watchdog)
		}
	}
	b.Settings, line = l.optional(fs, "settings", "board", "", f.key.Line)
	if b.Settings != "" && !filepath.IsAbs(b.Settings) {
		l.add(line, "board.settings", "%q is not an absolute path", b.Settings)
	}
	return b
}

func parseUplink(l *errorList, f field) Uplink {
	var u Uplink
	if f.key == nil {
		return u
	}
	fs := l.fields(f.val, "uplink", "check")
	text, line := l.optional(fs, "check", "uplink", "", f.key.Line)
	if text == "" {
		return u
	}
	host, port, err := net.SplitHostPort(text)
	n, perr := strconv.Atoi(port)
	if err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
		l.add(line, "uplink.check", "bad address %q: want host:port, e.g. \"10.0.0.1:443\"", text)
		return u
	}
	u.Check = text
	return u
}

// SettingsDir is where the first-boot settings file lives: board.settings,
// else the provisioning file's directory, else (a config built in code,
// like the demo's) a folder beside the ring.
func (c *Config) SettingsDir() string {
	switch {
	case c.Board.Settings != "":
		return c.Board.Settings
	case c.file != "" && filepath.IsAbs(c.file):
		return filepath.Dir(c.file)
	case c.file != "":
		if abs, err := filepath.Abs(c.file); err == nil {
			return filepath.Dir(abs)
		}
	}
	if c.Storage.Path == "" {
		return "."
	}
	return c.Storage.Path + "-settings"
}
