package config

import "strings"

// RTSP is the re-serve of the cameras' streams from the box
// (rtsp://box:8554/{camera}/main and /sub). An empty Listen disables it:
// the zero value, so configs built in code have it off unless asked.
type RTSP struct {
	Listen   string // host:port, host optional; "" when disabled
	User     string // when set, readers must give User and Password (basic or digest)
	Password string
}

// DefaultRTSPListen is where the re-serve listens when the file has no
// rtsp section or no rtsp.listen.
const DefaultRTSPListen = ":8554"

func parseRTSP(l *errorList, f field) RTSP {
	r := RTSP{Listen: DefaultRTSPListen}
	if f.key == nil {
		return r
	}
	fs := l.fields(f.val, "rtsp", "enabled", "listen", "user", "password")
	enabled, line := l.optional(fs, "enabled", "rtsp", "true", f.key.Line)
	switch strings.ToLower(enabled) {
	case "true", "yes", "on":
	case "false", "no", "off":
		return RTSP{}
	default:
		l.add(line, "rtsp.enabled", "expected true or false, got %q", enabled)
	}
	text, line := l.optional(fs, "listen", "rtsp", DefaultRTSPListen, f.key.Line)
	if _, set := fs["listen"]; set && strings.TrimSpace(text) == "" {
		return RTSP{} // `listen: ""` turns the re-serve off
	}
	if msg := checkListen(text); msg != "" {
		l.add(line, "rtsp.listen", "bad listen address %q: %s", text, msg)
	}
	r.Listen = text
	var userLine, passLine int
	r.User, userLine = l.optional(fs, "user", "rtsp", "", f.key.Line)
	r.Password, passLine = l.optional(fs, "password", "rtsp", "", f.key.Line)
	switch {
	case r.User != "" && r.Password == "":
		l.add(userLine, "rtsp.password", "required when rtsp.user is set")
	case r.User == "" && r.Password != "":
		l.add(passLine, "rtsp.user", "required when rtsp.password is set")
	case strings.ContainsAny(r.User, ":@/"):
		l.add(userLine, "rtsp.user", "must not contain ':', '@' or '/'")
	}
	return r
}
