package webui

import (
	"fmt"
	"net/url"
	"time"
)

// parseRange reads from= and to= (RFC 3339) and checks their order and span.
func parseRange(q url.Values, max time.Duration) (from, to time.Time, err error) {
	fs, ts := q.Get("from"), q.Get("to")
	if fs == "" || ts == "" {
		return from, to, fmt.Errorf("from and to are required, RFC 3339 (e.g. 2026-12-03T08:00:00+08:00)")
	}
	if from, err = time.Parse(time.RFC3339Nano, fs); err != nil {
		return from, to, fmt.Errorf("from: %q is not an RFC 3339 time", fs)
	}
	if to, err = time.Parse(time.RFC3339Nano, ts); err != nil {
		return from, to, fmt.Errorf("to: %q is not an RFC 3339 time", ts)
	}
	if !to.After(from) {
		return from, to, fmt.Errorf("to (%s) must be after from (%s)", ts, fs)
	}
	if max > 0 && to.Sub(from) > max {
		return from, to, fmt.Errorf("range of %s is longer than the %s allowed in one request", to.Sub(from), max)
	}
	return from, to, nil
}
