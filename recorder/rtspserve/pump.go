package rtspserve

import (
	"context"
	"time"

	"github.com/pion/rtp"

	"skyguard/recorder/media"
)

// pumpQueue is the pump's hub queue in frames: packetizing is quick, so
// this only rides out scheduling hiccups (the hub skips to the next
// keyframe past it, never blocking the camera).
const pumpQueue = 64

// maxGOPFrames bounds the GOP a pump keeps for new readers (as the hub does).
const maxGOPFrames = 512

// unit is one packetized access unit.
type unit struct {
	pkts []*rtp.Packet
	ntp  time.Time
	key  bool
}

// pump moves frames from the hub to the readers until ctx ends or the
// camera changes codec. It packetizes each frame once and pushes the
// packets into each reader's own queue, which never blocks.
func (f *feed) pump(ctx context.Context, enc encodeFunc, codec media.Codec) {
	sub := f.hub.Subscribe(pumpQueue)
	defer sub.Close()
	clk := clock{base: randUint32()}
	// gop holds the packets since the last keyframe: a new reader gets it
	// at once and then the live frames, so it starts decoding at once.
	var gop []*unit
	gopPkts := 0
	maxGOPPkts := f.s.opt.WriteQueue - f.s.opt.WriteQueue/8
	var params *media.Params
	for {
		var au *media.AccessUnit
		select {
		case <-ctx.Done():
			return
		case a, ok := <-sub.C():
			if !ok {
				return
			}
			au = a
		}
		if au.Params != nil && au.Params != params {
			if au.Params.Codec != codec {
				f.log.Info("rtsp re-serve: camera changed codec; readers must reconnect", "from", codec.String(), "to", au.Params.Codec.String())
				f.mu.Lock()
				if f.ss != nil {
					f.dropStreamLocked()
				}
				f.mu.Unlock()
				return
			}
			params = au.Params
			f.mu.Lock()
			f.updateParamsLocked(params)
			f.mu.Unlock()
		}
		u, err := packetize(enc, &clk, au)
		if err != nil {
			f.log.Debug("rtsp re-serve: packetize", "err", err)
			if au.Key {
				gop, gopPkts = nil, 0
			}
			continue
		}
		switch {
		case u.key:
			gop, gopPkts = append(gop[:0:0], u), len(u.pkts)
		case au.NewRun:
			gop, gopPkts = nil, 0
		case gop != nil:
			gop, gopPkts = append(gop, u), gopPkts+len(u.pkts)
			// A GOP a reader's queue cannot take whole is no start.
			if len(gop) > maxGOPFrames || gopPkts > maxGOPPkts {
				gop, gopPkts = nil, 0
			}
		}
		f.send(u, gop)
	}
}

// packetize turns au into RTP packets stamped with its PTS.
func packetize(enc encodeFunc, clk *clock, au *media.AccessUnit) (*unit, error) {
	pkts, err := enc(unitNALUs(au))
	if err != nil {
		return nil, err
	}
	ts := clk.rtpTime(au)
	for _, p := range pkts {
		p.Timestamp = ts
	}
	ntp := au.Wall
	if ntp.IsZero() {
		ntp = time.Now()
	}
	return &unit{pkts: pkts, ntp: ntp, key: au.Key}, nil
}

// send hands u to every playing reader; a pending one gets the GOP so far
// (which ends with u) instead. Reader states change only here and in play.
func (f *feed) send(u *unit, gop []*unit) {
	type target struct {
		r     *reader
		state readerState
	}
	f.mu.Lock()
	targets := make([]target, 0, len(f.readers))
	for _, r := range f.readers {
		if r.state != stateSetup {
			targets = append(targets, target{r, r.state})
		}
	}
	f.mu.Unlock()

	// Writes happen outside the lock: they only queue, but a session
	// closing at the same moment takes its own locks.
	next := make([]readerState, len(targets))
	for i, t := range targets {
		next[i] = t.state
		switch t.state {
		case statePending:
			if len(gop) == 0 {
				continue // no keyframe yet: wait for one
			}
			next[i] = stateLive
			for _, g := range gop {
				if !write(t.r, g) {
					next[i] = stateWaitKey
					break
				}
			}
		case stateWaitKey:
			if !u.key {
				f.dropped.Add(1)
				continue
			}
			if write(t.r, u) {
				next[i] = stateLive
			} else {
				f.dropped.Add(1)
			}
		case stateLive:
			if !write(t.r, u) {
				next[i] = stateWaitKey
				f.dropped.Add(1)
			}
		}
	}

	f.mu.Lock()
	for i, t := range targets {
		if next[i] != t.state && f.readers[t.r.sess] == t.r && t.r.state == t.state {
			if next[i] == stateWaitKey {
				f.log.Warn("rtsp re-serve: reader too slow, skipping to the next keyframe")
			}
			t.r.state = next[i]
		}
	}
	f.mu.Unlock()
}

// write queues a unit's packets on one reader; false when its queue is full.
func write(r *reader, u *unit) bool {
	for _, p := range u.pkts {
		if err := r.sess.WritePacketRTPWithNTP(r.medi, p, u.ntp); err != nil {
			return false
		}
	}
	return true
}
