package rtspserve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/bluenviron/gortsplib/v5"

	"skyguard/recorder/hub"
)

// Source gives the hub of a camera's "main" or "sub" stream; an error
// means there is no such camera or stream (answered 404).
type Source interface {
	Stream(camera, stream string) (*hub.Hub, error)
}

// Liveness is optionally implemented by a Source: whether a stream's
// camera is delivering frames now. Without it a stream counts as online
// once its hub has seen parameters.
type Liveness interface {
	StreamOnline(camera, stream string) bool
}

// Options configure a Server.
type Options struct {
	// Listen is the RTSP (TCP) address, e.g. ":8554"; "127.0.0.1:0" picks
	// a free port, reported by Addr.
	Listen string
	// User and Password, when User is set, are required (basic or digest)
	// on every request; otherwise the streams are open.
	User, Password string
	Source         Source
	Logger         *slog.Logger
	// WriteQueue is each reader's queue in RTP packets (a power of two);
	// it must hold a whole GOP, which a new reader gets at once. 0 means
	// 2048: about 2.8 MiB, a 2 s GOP up to ~10 Mbit/s.
	WriteQueue int
}

// Server is a running RTSP re-serve.
type Server struct {
	opt  Options
	log  *slog.Logger
	rtsp *gortsplib.Server
	addr string

	ctx    context.Context // ends the pumps
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	feeds    map[string]*feed // by "camera/stream", created on first request
	sessions map[*gortsplib.ServerSession]*feed
	closed   bool

	closeOnce sync.Once
}

// New listens on opt.Listen and starts answering at once; Run waits.
func New(opt Options) (*Server, error) {
	if opt.Source == nil {
		return nil, errors.New("rtsp re-serve: no stream source")
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opt.WriteQueue == 0 {
		opt.WriteQueue = 2048
	}
	ln, err := net.Listen("tcp", opt.Listen)
	if err != nil {
		return nil, fmt.Errorf("rtsp re-serve: listen on %s: %w", opt.Listen, err)
	}
	s := &Server{
		opt:      opt,
		log:      log,
		addr:     ln.Addr().String(),
		feeds:    map[string]*feed{},
		sessions: map[*gortsplib.ServerSession]*feed{},
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	// TCP only (interleaved): it crosses firewalls and NAT, and a stalled
	// reader then fills its own queue rather than losing packets silently.
	s.rtsp = &gortsplib.Server{
		Handler:        &handler{s: s},
		RTSPAddress:    s.addr,
		WriteQueueSize: opt.WriteQueue,
		// A reader that cannot take a packet for this long is gone.
		WriteTimeout: 10 * time.Second,
		Listen: func(string, string) (net.Listener, error) {
			return newGuardedListener(ln, maxConns, firstRequestTimeout), nil
		},
	}
	if err := s.rtsp.Start(); err != nil {
		ln.Close()
		s.cancel()
		return nil, fmt.Errorf("rtsp re-serve: start server on %s: %w", s.addr, err)
	}
	log.Info("rtsp re-serve: listening", "addr", s.addr, "auth", opt.User != "")
	return s, nil
}

// Addr is the host:port readers connect to.
func (s *Server) Addr() string { return s.addr }

// Run waits until ctx ends or the server fails, then closes it.
func (s *Server) Run(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- s.rtsp.Wait() }()
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	s.Close()
	if err != nil && ctx.Err() == nil {
		return fmt.Errorf("rtsp re-serve: %w", err)
	}
	return nil
}

// Close disconnects every reader and stops the pumps; safe to call twice.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		feeds := make([]*feed, 0, len(s.feeds))
		for _, f := range s.feeds {
			feeds = append(feeds, f)
		}
		s.mu.Unlock()
		s.cancel()
		for _, f := range feeds {
			f.close()
		}
		s.rtsp.Close()
		s.wg.Wait()
		s.log.Info("rtsp re-serve: stopped")
	})
}

// StreamState is one re-served stream's state, for the status page.
type StreamState struct {
	Camera  string `json:"camera"`
	Stream  string `json:"stream"` // main or sub
	Path    string `json:"path"`   // e.g. /cam01/main
	Readers int    `json:"readers"`
	// Dropped counts frames readers lost to full queues (each then
	// resumes at the next keyframe).
	Dropped uint64 `json:"dropped_frames"`
}

// Streams reports every stream asked for since start, sorted by path.
func (s *Server) Streams() []StreamState {
	s.mu.Lock()
	feeds := make([]*feed, 0, len(s.feeds))
	for _, f := range s.feeds {
		feeds = append(feeds, f)
	}
	s.mu.Unlock()
	out := make([]StreamState, 0, len(feeds))
	for _, f := range feeds {
		out = append(out, f.state())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Readers returns the number of playing readers of a camera's stream.
func (s *Server) Readers(camera, stream string) int {
	s.mu.Lock()
	f := s.feeds[camera+"/"+stream]
	s.mu.Unlock()
	if f == nil {
		return 0
	}
	return f.state().Readers
}

// errNotFound and errOffline choose the RTSP answer (404, 503).
var (
	errNotFound = errors.New("no such stream")
	errOffline  = errors.New("camera offline")
)

// parsePath splits "/cam01/main" into its camera and stream.
func parsePath(p string) (camera, stream string, ok bool) {
	p = strings.Trim(p, "/")
	camera, stream, ok = strings.Cut(p, "/")
	if !ok || camera == "" || (stream != "main" && stream != "sub") {
		return "", "", false
	}
	return camera, stream, true
}

// feedFor returns the feed of path, creating it on first use.
func (s *Server) feedFor(path string) (*feed, error) {
	camera, stream, ok := parsePath(path)
	if !ok {
		return nil, fmt.Errorf("path %q: want /{camera}/main or /{camera}/sub: %w", path, errNotFound)
	}
	h, err := s.opt.Source.Stream(camera, stream)
	if err != nil {
		return nil, fmt.Errorf("path %q: %w: %w", path, errNotFound, err)
	}
	key := camera + "/" + stream
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, fmt.Errorf("path %q: server closing: %w", path, errOffline)
	}
	f := s.feeds[key]
	if f == nil || f.hub != h {
		if f != nil {
			// The source rebuilt the stream (a new hub): start afresh.
			go f.close()
		}
		f = newFeed(s, camera, stream, h)
		s.feeds[key] = f
	}
	return f, nil
}

// online reports whether the camera of a stream delivers frames.
func (s *Server) online(f *feed) bool {
	if l, ok := s.opt.Source.(Liveness); ok {
		return l.StreamOnline(f.camera, f.stream)
	}
	return f.hub.Params() != nil
}
