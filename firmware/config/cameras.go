package config

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"go.yaml.in/yaml/v3"
)

func parseCameras(l *errorList, f field) []Camera {
	if isNull(f.val) {
		return nil
	}
	if f.val.Kind != yaml.SequenceNode {
		l.add(f.val.Line, "cameras", "expected a list, got %s", kindName(f.val))
		return nil
	}
	cams := make([]Camera, 0, len(f.val.Content))
	firstLine := map[string]int{}
	for i, n := range f.val.Content {
		path := fmt.Sprintf("cameras[%d]", i)
		if isNull(n) {
			l.add(n.Line, path, "empty camera entry")
			continue
		}
		fs := l.fields(n, path, "id", "name", "main", "sub", "transport")
		if n.Kind != yaml.MappingNode {
			continue
		}
		var c Camera
		var line int
		c.ID, line = l.required(fs, "id", path, n.Line)
		checkID(l, c.ID, line, path+".id")
		if c.ID != "" {
			if first, dup := firstLine[c.ID]; dup {
				l.add(line, path+".id", "duplicate camera id %q (first at line %d)", c.ID, first)
			} else {
				firstLine[c.ID] = line
			}
		}
		c.Name, _ = l.optional(fs, "name", path, "", n.Line)
		c.Main, line = l.required(fs, "main", path, n.Line)
		if c.Main != "" {
			if msg := checkRTSP(c.Main); msg != "" {
				l.add(line, path+".main", "%s", msg)
			}
		}
		c.Sub, line = l.optional(fs, "sub", path, "", n.Line)
		if c.Sub != "" {
			if msg := checkRTSP(c.Sub); msg != "" {
				l.add(line, path+".sub", "%s", msg)
			}
		}
		c.Transport, line = l.optional(fs, "transport", path, DefaultTransport, n.Line)
		switch c.Transport {
		case "auto", "tcp", "udp":
		case "":
			c.Transport = DefaultTransport
		default:
			l.add(line, path+".transport", "bad transport %q: use auto, tcp or udp", c.Transport)
		}
		cams = append(cams, c)
	}
	return cams
}

// checkRTSP says what is wrong with a camera URL, without repeating the
// URL: it may hold a password, and messages end up in logs.
func checkRTSP(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return "bad URL: " + ue.Err.Error()
		}
		return "bad URL"
	}
	switch strings.ToLower(u.Scheme) {
	case "rtsp", "rtsps":
	case "":
		return "bad URL: no scheme, want rtsp://host/path"
	default:
		return fmt.Sprintf("bad URL: scheme %q, want rtsp or rtsps", u.Scheme)
	}
	if u.Hostname() == "" {
		return "bad URL: no host"
	}
	return ""
}

// RedactedMain is the main stream URL with its password replaced, for logs
// and the UI.
func (c Camera) RedactedMain() string { return redact(c.Main) }

// RedactedSub is RedactedMain for the substream.
func (c Camera) RedactedSub() string { return redact(c.Sub) }

func redact(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return "(invalid URL)"
	}
	return u.Redacted()
}
