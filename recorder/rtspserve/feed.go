package rtspserve

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"

	"github.com/bluenviron/gortsplib/v5"
	"github.com/bluenviron/gortsplib/v5/pkg/description"
	"github.com/bluenviron/gortsplib/v5/pkg/format"

	"skyguard/recorder/hub"
	"skyguard/recorder/media"
)

// readerState is where a reader is in the stream.
type readerState uint8

const (
	stateSetup   readerState = iota // SETUP done, not playing yet
	statePending                    // playing, waiting for its start at a keyframe
	stateLive                       // receiving every frame
	stateWaitKey                    // lost frames to a full queue, resumes at a keyframe
)

// reader is one RTSP session of a feed.
type reader struct {
	sess  *gortsplib.ServerSession
	medi  *description.Media // the media it set up, of the ServerStream it set up on
	state readerState
}

// feed is one re-served stream (a camera's main or sub): the ServerStream
// its readers set up on, and the pump that feeds them while any plays.
type feed struct {
	s                    *Server
	camera, stream, path string
	hub                  *hub.Hub
	log                  *slog.Logger
	dropped              atomic.Uint64

	mu       sync.Mutex
	ss       *gortsplib.ServerStream
	forma    format.Format
	params   *media.Params // the parameter sets in the SDP
	readers  map[*gortsplib.ServerSession]*reader
	playing  int
	pumpStop context.CancelFunc
	pumpDone chan struct{}
	closed   bool
}

func newFeed(s *Server, camera, stream string, h *hub.Hub) *feed {
	path := "/" + camera + "/" + stream
	return &feed{
		s: s, camera: camera, stream: stream, path: path, hub: h,
		log:     s.log.With("path", path),
		readers: map[*gortsplib.ServerSession]*reader{},
	}
}

// serverStream returns the ServerStream readers set up on, built from the
// hub's current parameters on first use and updated when they changed.
func (f *feed) serverStream() (*gortsplib.ServerStream, error) {
	p := f.hub.Params()
	if p == nil || !p.Complete() {
		return nil, fmt.Errorf("%s: no parameter sets from the camera yet: %w", f.path, errOffline)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil, fmt.Errorf("%s: closed: %w", f.path, errOffline)
	}
	if f.ss != nil && f.params.Codec == p.Codec {
		f.updateParamsLocked(p)
		return f.ss, nil
	}
	if f.ss != nil {
		// The camera changed codec: readers of the old one cannot follow.
		f.dropStreamLocked()
	}
	forma, err := newFormat(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", f.path, errOffline, err)
	}
	ss := &gortsplib.ServerStream{Server: f.s.rtsp, Desc: newDesc(forma)}
	if err := ss.Initialize(); err != nil {
		return nil, fmt.Errorf("%s: initialize server stream: %w", f.path, err)
	}
	f.ss, f.forma, f.params = ss, forma, p
	f.log.Info("rtsp re-serve: stream ready", "codec", p.Codec.String(), "width", p.Width, "height", p.Height)
	return ss, nil
}

// updateParamsLocked puts changed parameter sets into the SDP that later
// DESCRIBEs get; readers already playing get them in band.
func (f *feed) updateParamsLocked(p *media.Params) {
	if f.ss == nil || p == f.params || p.Equal(f.params) || !p.Complete() || p.Codec != f.params.Codec {
		return
	}
	setParams(f.forma, p)
	f.params = p
	f.ss.ReloadDesc()
	f.log.Info("rtsp re-serve: parameters changed", "width", p.Width, "height", p.Height)
}

// dropStreamLocked ends the ServerStream and every reader on it.
func (f *feed) dropStreamLocked() {
	old := f.ss
	f.ss, f.forma, f.params = nil, nil, nil
	f.readers = map[*gortsplib.ServerSession]*reader{}
	f.playing = 0
	if f.pumpStop != nil {
		f.pumpStop()
		f.pumpStop = nil
	}
	// Closing ends its sessions, whose close callbacks take locks: not here.
	go old.Close()
}

// addReader records a session that set up on ss.
func (f *feed) addReader(sess *gortsplib.ServerSession, ss *gortsplib.ServerStream) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.readers[sess]; ok {
		return
	}
	f.readers[sess] = &reader{sess: sess, medi: ss.Desc.Medias[0]}
}

// play starts a set-up session, and the pump with the first one. It
// reports false when the session is unknown or the feed is closing.
func (f *feed) play(sess *gortsplib.ServerSession) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.readers[sess]
	if r == nil || f.closed || f.ss == nil {
		return false
	}
	if r.state != stateSetup {
		return true
	}
	if f.pumpStop == nil && !f.startPumpLocked() {
		return false
	}
	r.state = statePending
	f.playing++
	return true
}

// remove forgets a session; the pump stops with the last reader, so an
// unwatched stream costs nothing. It reports whether the session was known.
func (f *feed) remove(sess *gortsplib.ServerSession) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.readers[sess]
	if !ok {
		return false
	}
	delete(f.readers, sess)
	if r.state != stateSetup {
		f.playing--
	}
	if f.playing == 0 && f.pumpStop != nil {
		f.pumpStop()
		f.pumpStop = nil
	}
	return true
}

// startPumpLocked starts the pump; a previous one still ending is waited
// for first, so two never hold the stream at once.
func (f *feed) startPumpLocked() bool {
	enc, err := newEncoder(f.forma)
	if err != nil {
		f.log.Error("rtsp re-serve: cannot packetize", "err", err)
		return false
	}
	f.s.mu.Lock()
	defer f.s.mu.Unlock()
	if f.s.closed {
		return false
	}
	ctx, cancel := context.WithCancel(f.s.ctx)
	prev, done := f.pumpDone, make(chan struct{})
	f.pumpStop, f.pumpDone = cancel, done
	codec := f.params.Codec
	f.s.wg.Add(1)
	go func() {
		defer f.s.wg.Done()
		defer close(done)
		if prev != nil {
			<-prev
		}
		f.pump(ctx, enc, codec)
	}()
	return true
}

// state is the feed's report for the status page.
func (f *feed) state() StreamState {
	f.mu.Lock()
	defer f.mu.Unlock()
	return StreamState{Camera: f.camera, Stream: f.stream, Path: f.path, Readers: f.playing, Dropped: f.dropped.Load()}
}

// close ends the feed: its readers are disconnected and its pump stops.
func (f *feed) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return
	}
	f.closed = true
	if f.ss != nil {
		f.dropStreamLocked()
	}
}

// randUint32 is a random RTP timestamp start.
func randUint32() uint32 { return rand.Uint32() }
