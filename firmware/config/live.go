package config

import (
	"net"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Live is the WebRTC live view (WHEP). All viewers share one UDP and one
// TCP port, so a firewall or NAT needs only those two opened.
type Live struct {
	ListenIP            string   // address the two ports bind to; "" every interface
	UDPPort             int      // ICE UDP mux port, default 8189; 0 picks a free one (tests)
	TCPPort             int      // ICE-TCP port, default 8189
	PublicIPs           []string // NAT 1:1: addresses advertised instead of the box's own
	ICEServers          []string // STUN/TURN URLs; none by default
	MaxViewers          int      // sessions of the whole box, default 16
	MaxViewersPerCamera int      // sessions of one camera, default 8
	LoopbackCandidates  bool     // offer 127.0.0.1 (a browser on the box itself: demo, tests)
}

// Live view defaults.
const (
	DefaultLivePort                = 8189
	DefaultLiveMaxViewers          = 16
	DefaultLiveMaxViewersPerCamera = 8
)

func parseLive(l *errorList, f field) Live {
	lv := Live{UDPPort: DefaultLivePort, TCPPort: DefaultLivePort, MaxViewers: DefaultLiveMaxViewers, MaxViewersPerCamera: DefaultLiveMaxViewersPerCamera}
	if f.key == nil {
		return lv
	}
	fs := l.fields(f.val, "live", "listen_ip", "udp_port", "tcp_port", "public_ips", "ice_servers", "max_viewers", "max_viewers_per_camera", "loopback_candidates")
	lv.UDPPort = liveInt(l, fs, "udp_port", lv.UDPPort, 0, 65535)
	lv.TCPPort = liveInt(l, fs, "tcp_port", lv.TCPPort, 0, 65535)
	if text, line := l.optional(fs, "listen_ip", "live", "", 0); text != "" {
		if ip := net.ParseIP(text); ip == nil || ip.To4() == nil {
			l.add(line, "live.listen_ip", "bad IPv4 address %q", text)
		} else {
			lv.ListenIP = text
		}
	}
	lv.MaxViewers = liveInt(l, fs, "max_viewers", lv.MaxViewers, 1, 1000)
	lv.MaxViewersPerCamera = liveInt(l, fs, "max_viewers_per_camera", lv.MaxViewersPerCamera, 1, 1000)
	for _, n := range liveList(l, fs, "public_ips") {
		if net.ParseIP(n.Value) == nil {
			l.add(n.Line, "live.public_ips", "bad IP address %q", n.Value)
			continue
		}
		lv.PublicIPs = append(lv.PublicIPs, n.Value)
	}
	for _, n := range liveList(l, fs, "ice_servers") {
		if !strings.HasPrefix(n.Value, "stun:") && !strings.HasPrefix(n.Value, "turn:") && !strings.HasPrefix(n.Value, "turns:") {
			l.add(n.Line, "live.ice_servers", "bad ICE server %q: want stun:host:port or turn:host:port", n.Value)
			continue
		}
		lv.ICEServers = append(lv.ICEServers, n.Value)
	}
	if text, line := l.optional(fs, "loopback_candidates", "live", "false", f.key.Line); text != "" {
		switch strings.ToLower(text) {
		case "true", "yes", "on":
			lv.LoopbackCandidates = true
		case "false", "no", "off":
		default:
			l.add(line, "live.loopback_candidates", "expected true or false, got %q", text)
		}
	}
	return lv
}

func liveInt(l *errorList, fs map[string]field, key string, def, lo, hi int) int {
	text, line := l.optional(fs, key, "live", "", 0)
	if text == "" {
		return def
	}
	n, err := strconv.Atoi(text)
	if err != nil || n < lo || n > hi {
		l.add(line, "live."+key, "expected a whole number from %d to %d, got %q", lo, hi, text)
		return def
	}
	return n
}

// liveList returns the scalar items of a list field, reporting others.
func liveList(l *errorList, fs map[string]field, key string) []*yaml.Node {
	f, ok := fs[key]
	if !ok || isNull(f.val) {
		return nil
	}
	if f.val.Kind != yaml.SequenceNode {
		l.add(f.val.Line, "live."+key, "expected a list, got %s", kindName(f.val))
		return nil
	}
	var out []*yaml.Node
	for _, n := range f.val.Content {
		if n.Kind != yaml.ScalarNode {
			l.add(n.Line, "live."+key, "expected a value, got %s", kindName(n))
			continue
		}
		out = append(out, n)
	}
	return out
}
