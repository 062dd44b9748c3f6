package frontpanel

import (
	"context"
	"net"
	"sync/atomic"
	"time"

	"skyguard/board/panel"
)

// Uplink check timing: a TCP connect every 30 s, given 3 s to succeed.
const (
	UplinkEvery   = 30 * time.Second
	UplinkTimeout = 3 * time.Second
)

// uplinkState is the last check's result; the zero value is Unknown.
type uplinkState struct{ v atomic.Int32 }

func (u *uplinkState) get() panel.Uplink  { return panel.Uplink(u.v.Load()) }
func (u *uplinkState) set(s panel.Uplink) { u.v.Store(int32(s)) }

// checkUplink connects to addr once: a completed TCP handshake is enough
// to know the route to the county works.
func checkUplink(ctx context.Context, addr string, timeout time.Duration) panel.Uplink {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return panel.UplinkDown
	}
	c.Close()
	return panel.UplinkOK
}

// runUplink checks addr every period until ctx ends, logging changes.
func (p *Panel) runUplink(ctx context.Context, addr string, every, timeout time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		s := checkUplink(ctx, addr, timeout)
		if ctx.Err() != nil {
			return
		}
		if prev := p.uplink.get(); prev != s {
			p.log.Info("uplink", "check", addr, "ok", s == panel.UplinkOK)
			p.uplink.set(s)
			select {
			case p.kick <- struct{}{}:
			default:
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
