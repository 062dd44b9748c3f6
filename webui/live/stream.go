package live

import (
	"sync"

	"skyguard/recorder/hub"
	"skyguard/recorder/media"
)

// hubQueue is the broadcaster's own queue on the hub. Packetizing is
// cheap, so it only rides out scheduling hiccups.
const hubQueue = 100

// maxCachedFrames bounds the packetized GOP kept for joining viewers.
const maxCachedFrames = 300

// broadcaster packetizes one camera stream once and fans the frames out to
// its viewers. It runs while it has viewers.
type broadcaster struct {
	camera, stream string
	sub            *hub.Subscription
	codec          media.Codec
	done           chan struct{}

	mu      sync.Mutex
	viewers map[*viewer]struct{}
	gop     []*frame // since the last keyframe
}

func newBroadcaster(camera, stream string, h *hub.Hub, codec media.Codec) *broadcaster {
	b := &broadcaster{
		camera: camera, stream: stream, codec: codec,
		sub: h.Subscribe(hubQueue), done: make(chan struct{}),
		viewers: map[*viewer]struct{}{},
	}
	p := newPacketizer(codec)
	// The hub queued its cached GOP at Subscribe: packetize it now, so the
	// first viewer joins on it with catch-up timestamps like any later one.
	for n := len(b.sub.C()); n > 0; n-- {
		if au, ok := <-b.sub.C(); ok {
			b.handle(p, au)
		}
	}
	go b.run(p)
	return b
}

// run ends when the subscription is closed (last viewer gone, or hub closed).
func (b *broadcaster) run(p *packetizer) {
	defer close(b.done)
	for au := range b.sub.C() {
		b.handle(p, au)
	}
	b.mu.Lock()
	for v := range b.viewers {
		v.closeLocked()
	}
	b.mu.Unlock()
}

// handle packetizes one access unit and offers it to every viewer's queue
// (non-blocking sends only).
func (b *broadcaster) handle(p *packetizer, au *media.AccessUnit) {
	if au.Params != nil && au.Params.Codec != b.codec {
		// The camera switched codec: viewers negotiated the old one.
		// End them; a reload negotiates afresh.
		b.mu.Lock()
		for v := range b.viewers {
			v.closeLocked()
		}
		b.mu.Unlock()
		return
	}
	f := p.packetize(au)
	b.mu.Lock()
	switch {
	case f.key:
		b.gop = append(b.gop[:0:0], f)
	case au.NewRun:
		b.gop = nil
	case len(b.gop) > 0 && len(b.gop) < maxCachedFrames:
		b.gop = append(b.gop, f)
	default:
		b.gop = nil
	}
	for v := range b.viewers {
		v.offer(f)
	}
	b.mu.Unlock()
}

// add registers a viewer, queueing the cached GOP first with compressed
// timestamps (see catchUpTick). Without a cached GOP it waits for the next
// keyframe.
func (b *broadcaster) add(camera, stream string) *viewer {
	b.mu.Lock()
	defer b.mu.Unlock()
	v := newViewer(camera, stream, len(b.gop))
	if len(b.gop) == 0 {
		v.waitKey = true
	}
	n := len(b.gop)
	for i, f := range b.gop {
		last := b.gop[n-1].ts
		v.ch <- item{f: f, ts: last - uint32(n-1-i)*catchUpTick}
	}
	b.viewers[v] = struct{}{}
	return v
}

// remove unregisters v and closes its queue; it reports how many remain.
func (b *broadcaster) remove(v *viewer) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.viewers, v)
	v.closeLocked()
	return len(b.viewers)
}

// stop ends the hub subscription and waits for run to return.
func (b *broadcaster) stop() {
	b.sub.Close()
	<-b.done
}
