package live

import (
	"log/slog"
	"time"

	"skyguard/recorder/hub"
)

// Source gives the hub of a camera's "main" or "sub" stream. It returns an
// error wrapping webui.ErrUnknownCamera for a camera it does not know, and
// some other error for a stream the camera lacks.
type Source interface {
	Stream(camera, stream string) (*hub.Hub, error)
}

// Options configure a Manager.
type Options struct {
	Source Source
	Logger *slog.Logger
	// ListenIP is the address the ICE UDP and TCP ports are bound to; ""
	// binds every interface (production), "127.0.0.1" keeps tests local.
	ListenIP string
	// UDPPort and TCPPort are the single ports all peers share; 0 picks a
	// free one (tests). The config defaults them to 8189.
	UDPPort, TCPPort int
	// PublicIPs are advertised instead of the local addresses (NAT 1:1).
	PublicIPs []string
	// ICEServers are STUN/TURN URLs ("stun:host:port"); none by default.
	ICEServers []string
	// Loopback adds 127.0.0.1 candidates: needed when the browser runs on
	// the box itself (tests, demo), as Chromium offers none.
	Loopback bool
	// MaxViewers bounds the sessions of the whole box, and
	// MaxViewersPerCamera those of one camera; 0 means the defaults.
	MaxViewers, MaxViewersPerCamera int
	// Online, when set, tells whether a stream's ingest is streaming now
	// (the hub keeps the last parameters of a camera that went away).
	Online func(camera, stream string) bool
	// ConnectTimeout ends a session whose peer never connects.
	ConnectTimeout time.Duration
	// GatherTimeout bounds how long an answer waits for ICE gathering
	// (STUN/TURN); host candidates are ready at once.
	GatherTimeout time.Duration
}

// Defaults for Options fields left zero.
const (
	DefaultMaxViewers          = 16
	DefaultMaxViewersPerCamera = 8
	DefaultConnectTimeout      = 20 * time.Second
	DefaultGatherTimeout       = 500 * time.Millisecond
)

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MaxViewers <= 0 {
		o.MaxViewers = DefaultMaxViewers
	}
	if o.MaxViewersPerCamera <= 0 {
		o.MaxViewersPerCamera = DefaultMaxViewersPerCamera
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	if o.GatherTimeout <= 0 {
		o.GatherTimeout = DefaultGatherTimeout
	}
	return o
}
