package fakecam

import (
	"context"
	"time"
)

// pace calls send for tick n = 0, 1, 2, ... at start + n*period until ctx
// ends, the way a camera's encoder emits frames or audio packets. A starved
// schedule (a stopped test process) restarts from now rather than bursting
// a second of packets at once. due is the tick's scheduled time.
func pace(ctx context.Context, period time.Duration, send func(n int64, due time.Time)) {
	start := time.Now()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for n := int64(0); ; n++ {
		due := start.Add(time.Duration(n) * period)
		if lag := time.Since(due); lag > time.Second {
			start = time.Now().Add(-time.Duration(n) * period)
			due = time.Now()
		}
		timer.Reset(time.Until(due))
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		send(n, due)
	}
}
