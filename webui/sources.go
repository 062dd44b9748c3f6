package webui

import (
	"context"
	"io"
	"time"

	"skyguard/recorder/media"
)

// StatusSource reports the whole box state for /api/status.
type StatusSource interface {
	Status() Status
}

// Run is a stretch of continuous recording.
type Run struct {
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Codec  string    `json:"codec"`
	Width  int       `json:"width"`
	Height int       `json:"height"`
}

// Clip is a recorded range ready to be muxed: what the export needs.
type Clip struct {
	Params  media.Params
	Start   time.Time
	Samples []media.Sample
	Data    io.ReaderAt
}

// Recordings is the read side of the recording store.
type Recordings interface {
	Runs(ctx context.Context, camera string, from, to time.Time) ([]Run, error)
	Clip(ctx context.Context, camera string, from, to time.Time) (*Clip, error)
}

// Event is something that happened on the box: a recovery after a power
// cut, a damaged record skipped, a disk fault.
type Event struct {
	Time    time.Time `json:"time"`
	Kind    string    `json:"kind"`
	Camera  string    `json:"camera,omitempty"`
	Message string    `json:"message"`
}

// Events lists the box's events, oldest first.
type Events interface {
	Events(ctx context.Context, from, to time.Time, limit int) ([]Event, error)
}

// Status is the document served at /api/status.
type Status struct {
	Box     BoxInfo        `json:"box"`
	Version string         `json:"version"`
	Started time.Time      `json:"started"`
	Storage StorageStatus  `json:"storage"`
	Cameras []CameraStatus `json:"cameras"`
	Disk    *DiskStatus    `json:"disk,omitempty"`
	System  *SystemStatus  `json:"system,omitempty"`
}

// DiskStatus is the data disk's health: presence, free space, SMART, kernel
// I/O errors and the ring's write latency boiled down to one state.
type DiskStatus struct {
	State          string    `json:"state"` // ok, warning, fault, missing
	Reason         string    `json:"reason,omitempty"`
	Since          time.Time `json:"since"`
	Checked        time.Time `json:"checked"`
	Device         string    `json:"device,omitempty"`
	FreeBytes      int64     `json:"free_bytes"`
	SMART          string    `json:"smart,omitempty"`
	KernelIOErrors int       `json:"kernel_io_errors"`
	WriteP99Ms     float64   `json:"write_p99_ms"`
	SyncP99Ms      float64   `json:"sync_p99_ms"`
}

// BoxInfo names the box.
type BoxInfo struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Township string `json:"township"`
}

// StorageStatus describes the ring on the data disk.
type StorageStatus struct {
	Path          string     `json:"path"`
	Capacity      int64      `json:"capacity_bytes"`
	Used          int64      `json:"used_bytes"`
	Slots         int        `json:"slots"`
	FreeSlots     int        `json:"free_slots"`
	Oldest        *time.Time `json:"oldest,omitempty"`
	Newest        *time.Time `json:"newest,omitempty"`
	RetainedDays  float64    `json:"estimated_retention_days"`
	BytesWritten  uint64     `json:"bytes_written"`
	Syncs         uint64     `json:"syncs"`
	Fault         string     `json:"fault,omitempty"`
	State         string     `json:"state"`
	FormatPercent int        `json:"format_percent,omitempty"`
}

// CameraStatus is one camera's configuration and live state.
type CameraStatus struct {
	ID          string        `json:"id"`
	Name        string        `json:"name"`
	URL         string        `json:"url"`
	Status      string        `json:"status"`
	LastError   string        `json:"last_error,omitempty"`
	Since       time.Time     `json:"since"`
	Codec       string        `json:"codec,omitempty"`
	Width       int           `json:"width,omitempty"`
	Height      int           `json:"height,omitempty"`
	FPS         float64       `json:"fps"`
	BitrateBps  float64       `json:"bitrate_bps"`
	Frames      uint64        `json:"frames"`
	Bytes       uint64        `json:"bytes_received"`
	Reconnects  int           `json:"reconnects"`
	Transport   string        `json:"transport,omitempty"`
	Note        string        `json:"note,omitempty"`
	Audio       string        `json:"audio,omitempty"` // G.711 passed to live viewers: PCMU or PCMA
	Recording   bool          `json:"recording"`
	Sub         *StreamStatus `json:"sub,omitempty"`
	LiveViewers int           `json:"live_viewers"`
	LiveBps     float64       `json:"live_bitrate_bps"`
	LastWritten *time.Time    `json:"last_recorded,omitempty"`
}

// StreamStatus is the state of a camera's secondary stream.
type StreamStatus struct {
	Status     string  `json:"status"`
	LastError  string  `json:"last_error,omitempty"`
	Codec      string  `json:"codec,omitempty"`
	Width      int     `json:"width,omitempty"`
	Height     int     `json:"height,omitempty"`
	FPS        float64 `json:"fps"`
	BitrateBps float64 `json:"bitrate_bps"`
}

// Board is the front panel for /api/board: a snapshot that marshals to
// JSON, and button presses on the simulated board. Press wraps
// ErrUnknownButton or ErrRealButtons.
type Board interface {
	BoardSnapshot() any
	PressButton(name string, d time.Duration) error
}

// SystemStatus is the running firmware slot (RAUC A/B) and its update state.
type SystemStatus struct {
	Slot       string `json:"slot"` // A, B, or "none" without RAUC
	Version    string `json:"version,omitempty"`
	BootStatus string `json:"boot_status,omitempty"`
	Primary    string `json:"next_boot_slot,omitempty"`
	Note       string `json:"note,omitempty"`
	Update     string `json:"update"` // idle, verifying, installing, rebooting, confirming, failed, unavailable
}
