package ingest

import (
	"fmt"
	"time"

	"github.com/bluenviron/gortsplib/v5/pkg/base"
)

// Config describes one camera stream to pull.
type Config struct {
	ID string
	// URL is rtsp://user:pass@host:port/path; credentials stay in the URL
	// and gortsplib answers basic or digest challenges with them.
	URL string
	// Transport is "auto" (UDP, falling back to TCP), "tcp" or "udp".
	Transport string
	// NoFrameTimeout reconnects when no frame arrived for this long (default 5 s).
	NoFrameTimeout time.Duration
	// BackoffMin and BackoffMax bound the reconnect delay (default 1 s .. 30 s).
	BackoffMin, BackoffMax time.Duration
}

const (
	defaultNoFrameTimeout = 5 * time.Second
	defaultBackoffMin     = time.Second
	defaultBackoffMax     = 30 * time.Second
)

func (c Config) withDefaults() Config {
	if c.Transport == "" {
		c.Transport = "auto"
	}
	if c.NoFrameTimeout <= 0 {
		c.NoFrameTimeout = defaultNoFrameTimeout
	}
	if c.BackoffMin <= 0 {
		c.BackoffMin = defaultBackoffMin
	}
	if c.BackoffMax <= 0 {
		c.BackoffMax = defaultBackoffMax
	}
	if c.BackoffMax < c.BackoffMin {
		c.BackoffMax = c.BackoffMin
	}
	return c
}

// validate catches configuration errors that no reconnect can fix.
func (c Config) validate() (*base.URL, error) {
	switch c.Transport {
	case "auto", "tcp", "udp":
	default:
		return nil, fmt.Errorf("transport %q: want auto, tcp or udp", c.Transport)
	}
	u, err := base.ParseURL(c.URL)
	if err != nil {
		return nil, fmt.Errorf("parse URL: %w", err)
	}
	if u.Scheme != "rtsp" && u.Scheme != "rtsps" {
		return nil, fmt.Errorf("URL scheme %q: want rtsp or rtsps", u.Scheme)
	}
	return u, nil
}
