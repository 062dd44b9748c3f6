package live

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"
)

// viewerQueue bounds the frames waiting for one viewer's writer: about two
// seconds at 25 fps. The cached GOP goes on top of it at join.
const viewerQueue = 50

// catchUpTick spaces the RTP timestamps of the cached GOP frames a new
// viewer gets at join (1 ms), so the browser shows them at once and plays
// live right after instead of lagging a GOP behind.
const catchUpTick = clockRate / 1000

// item is one queued frame with the timestamp this viewer sends it with.
type item struct {
	f  *frame
	ts uint32
}

// rtpWriter is where a viewer's packets go (a WebRTC track; a stub in tests).
type rtpWriter interface {
	WriteRTP(p *rtp.Packet) error
}

// viewer is one browser's bounded queue and its writer's counters.
type viewer struct {
	camera, stream string
	ch             chan item
	// waitKey and closed are guarded by the broadcaster's lock, under
	// which every send and the close happen.
	waitKey bool
	closed  bool

	seq     uint16
	frames  atomic.Uint64
	dropped atomic.Uint64
	rate    rateMeter
	// firstWrite is closed when the first packet went out (for latency
	// figures and tests).
	firstWrite chan struct{}
	once       sync.Once
}

func newViewer(camera, stream string, gop int) *viewer {
	return &viewer{camera: camera, stream: stream, ch: make(chan item, viewerQueue+gop), firstWrite: make(chan struct{})}
}

// offer queues f without blocking. After an overflow the viewer skips to
// the next keyframe: resuming mid-GOP would feed its decoder frames whose
// references it never got.
func (v *viewer) offer(f *frame) {
	if v.closed {
		return
	}
	if v.waitKey {
		if !f.key {
			v.dropped.Add(1)
			return
		}
		v.waitKey = false
	}
	select {
	case v.ch <- item{f: f, ts: f.ts}:
	default:
		v.dropped.Add(1)
		v.waitKey = true
	}
}

func (v *viewer) closeLocked() {
	if !v.closed {
		v.closed = true
		close(v.ch)
	}
}

// write drains the queue into w until the queue is closed. Packets are
// shared between viewers: only a copy of the header is changed here.
func (v *viewer) write(w rtpWriter) {
	for it := range v.ch {
		for _, p := range it.f.pkts {
			out := *p
			out.Header.SequenceNumber = v.seq
			out.Header.Timestamp = it.ts
			v.seq++
			if err := w.WriteRTP(&out); err != nil {
				// The peer is gone or closing; the session's state
				// handler ends it. Keep draining so the queue empties.
				break
			}
		}
		v.once.Do(func() { close(v.firstWrite) })
		v.frames.Add(1)
		v.rate.add(it.f.bytes, time.Now())
	}
}

// rateMeter measures bytes per second over the last two one-second buckets.
type rateMeter struct {
	mu        sync.Mutex
	sec       int64
	cur, prev int
}

func (r *rateMeter) add(n int, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.roll(now.Unix())
	r.cur += n
}

func (r *rateMeter) roll(sec int64) {
	switch {
	case sec == r.sec:
	case sec == r.sec+1:
		r.prev, r.cur, r.sec = r.cur, 0, sec
	default:
		r.prev, r.cur, r.sec = 0, 0, sec
	}
}

// bps is the bit rate of the last full second.
func (r *rateMeter) bps(now time.Time) float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.roll(now.Unix())
	return float64(r.prev) * 8
}
