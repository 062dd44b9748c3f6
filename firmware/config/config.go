// Package config reads the box's provisioning file (YAML): which box this
// is, where its ring lives, where the web UI listens and which cameras it
// records. Every mistake is reported with the file's line and the field's
// path, all of them at once, so a technician fixes a file in one pass.
package config

import (
	"fmt"
	"os"
)

// Config is a checked provisioning file, with defaults filled in.
type Config struct {
	Box     Box
	Storage Storage
	HTTP    HTTP
	Board   Board  // front panel and watchdog (board.go)
	Uplink  Uplink // net LED reachability check (board.go)
	RTSP    RTSP   // re-serve of the cameras' streams (rtsp.go)
	Live    Live   // WebRTC live view (live.go)
	Update  Update // firmware updates (update.go)
	Disk    Disk   // data-disk health watch (disk_section.go)
	Cameras []Camera

	file     string // name errors are reported against
	sizeLine int    // line of storage.size, for CheckDisk's message
}

// Box names this recorder.
type Box struct {
	ID       string // [a-z0-9_-]{1,32}: used in paths, URLs and the county's lists
	Name     string
	Township string
}

// Storage is the ring on the data disk.
type Storage struct {
	Path     string // absolute directory of the ring
	Size     int64  // bytes the ring may take, all slots together
	SlotSize int64  // bytes per slot
}

// HTTP is the web UI and API server.
type HTTP struct {
	Listen string // host:port, host optional
}

// Camera is one recorded camera.
type Camera struct {
	ID        string // [a-z0-9_-]{1,32}
	Name      string
	Main      string // rtsp:// or rtsps:// URL of the stream that is recorded
	Sub       string // optional lower-resolution stream for live view
	Transport string // auto, tcp or udp
}

// Defaults for fields the file may leave out.
const (
	DefaultSlotSize  = 256 << 20
	DefaultListen    = ":8080"
	DefaultTransport = "auto"
)

// Load reads and parses the provisioning file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: read %s: %w", path, err)
	}
	return Parse(path, data)
}
