package fakecam

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"

	"github.com/bluenviron/gortsplib/v5"
	"github.com/bluenviron/gortsplib/v5/pkg/auth"
	"github.com/bluenviron/gortsplib/v5/pkg/base"
	"github.com/bluenviron/gortsplib/v5/pkg/liberrors"

	"skyguard/recorder/media"
)

// Options configure a fake camera.
type Options struct {
	// Addr is the RTSP (TCP) listen address; "127.0.0.1:0" picks a free
	// port, reported by Server.Addr. The UDP RTP/RTCP pair is always picked
	// freely on the same host.
	Addr string
	// User and Pass, when User is set, require credentials on DESCRIBE and SETUP.
	User, Pass string
	// AuthMethods limits the offered schemes (default basic and digest-MD5),
	// so tests can force one of them.
	AuthMethods []auth.VerifyMethod
	// NoDefaultStreams skips the bundled /h264/main, /h264/sub, /h265/main
	// and /h264/main-audio.
	NoDefaultStreams bool
	Logger           *slog.Logger
}

// Server is a running fake camera. Paths served by default:
// /h264/main (1080p H.264), /h264/sub (D1 H.264), /h265/main (1080p H.265),
// /h264/main-audio (/h264/main plus G.711 mu-law audio).
type Server struct {
	opt  Options
	log  *slog.Logger
	rtsp *gortsplib.Server
	addr string

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.RWMutex
	streams  map[string]*stream
	sessions map[*gortsplib.ServerSession]*stream
	closed   bool

	closeOnce sync.Once
}

// New starts listening and pumping the streams at once, so Addr is valid
// and frames flow as soon as it returns; Run only waits.
func New(opt Options) (*Server, error) {
	if opt.Addr == "" {
		opt.Addr = "127.0.0.1:0"
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	host, _, err := net.SplitHostPort(opt.Addr)
	if err != nil {
		return nil, fmt.Errorf("fakecam: parse address %q: %w", opt.Addr, err)
	}
	ln, err := net.Listen("tcp", opt.Addr)
	if err != nil {
		return nil, fmt.Errorf("fakecam: listen on %s: %w", opt.Addr, err)
	}
	rtpConn, rtcpConn, err := listenUDPPair(host)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("fakecam: listen UDP: %w", err)
	}
	s := &Server{
		opt:      opt,
		log:      log,
		addr:     ln.Addr().String(),
		streams:  map[string]*stream{},
		sessions: map[*gortsplib.ServerSession]*stream{},
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())

	// gortsplib wants addresses it binds itself; hand it the sockets bound
	// above so port 0 (and a consecutive even/odd UDP pair) works.
	pre := map[string]net.PacketConn{
		rtpConn.LocalAddr().String():  rtpConn,
		rtcpConn.LocalAddr().String(): rtcpConn,
	}
	s.rtsp = &gortsplib.Server{
		Handler:        &handler{s: s},
		RTSPAddress:    s.addr,
		UDPRTPAddress:  rtpConn.LocalAddr().String(),
		UDPRTCPAddress: rtcpConn.LocalAddr().String(),
		AuthMethods:    opt.AuthMethods,
		Listen: func(string, string) (net.Listener, error) {
			return ln, nil
		},
		ListenPacket: func(_, address string) (net.PacketConn, error) {
			if c, ok := pre[address]; ok {
				delete(pre, address)
				return c, nil
			}
			return nil, fmt.Errorf("unexpected UDP listen on %s", address)
		},
	}
	if err := s.rtsp.Start(); err != nil {
		ln.Close()
		rtpConn.Close()
		rtcpConn.Close()
		s.cancel()
		return nil, fmt.Errorf("fakecam: start RTSP server: %w", err)
	}
	if !opt.NoDefaultStreams {
		defaults := []struct {
			path  string
			codec media.Codec
			clip  []byte
		}{
			{"/h264/main", media.CodecH264, clipH264Main},
			{"/h264/sub", media.CodecH264, clipH264Sub},
			{"/h265/main", media.CodecH265, clipH265Main},
		}
		for _, d := range defaults {
			if err := s.AddStream(d.path, d.codec, d.clip, ClipFPS); err != nil {
				s.Close()
				return nil, err
			}
		}
		// The main clip again with a camera microphone's G.711 tone.
		if err := s.AddStreamWithAudio(DefaultAudioPath, media.CodecH264, clipH264Main, ClipFPS); err != nil {
			s.Close()
			return nil, err
		}
	}
	log.Info("fakecam: listening", "addr", s.addr)
	return s, nil
}

// listenUDPPair binds an even RTP port and the next odd one for RTCP, as
// RTSP servers must; bounded retries because the pair can race other users.
func listenUDPPair(host string) (net.PacketConn, net.PacketConn, error) {
	var lastErr error
	for range 64 {
		a, err := net.ListenPacket("udp", net.JoinHostPort(host, "0"))
		if err != nil {
			return nil, nil, err
		}
		port := a.LocalAddr().(*net.UDPAddr).Port
		if port%2 != 0 {
			a.Close()
			lastErr = fmt.Errorf("odd port %d", port)
			continue
		}
		b, err := net.ListenPacket("udp", net.JoinHostPort(host, fmt.Sprint(port+1)))
		if err != nil {
			a.Close()
			lastErr = err
			continue
		}
		return a, b, nil
	}
	return nil, nil, fmt.Errorf("no free even/odd port pair: %w", lastErr)
}

// Addr is the host:port clients connect to.
func (s *Server) Addr() string { return s.addr }

// URL returns the rtsp:// URL of a path, with the configured credentials.
func (s *Server) URL(path string) string {
	cred := ""
	if s.opt.User != "" {
		cred = s.opt.User + ":" + s.opt.Pass + "@"
	}
	return "rtsp://" + cred + s.addr + normPath(path)
}

// AddStream serves an Annex-B clip at path, looped at fps. The clip must
// carry its parameter sets in band (at least before the first picture);
// the first ones found go into the SDP. Concatenating clips of different
// sizes gives a stream whose parameters change mid-way.
func (s *Server) AddStream(path string, codec media.Codec, annexb []byte, fps int) error {
	return s.addStream(path, codec, annexb, fps, false)
}

// AddStreamWithAudio is AddStream plus a G.711 mu-law audio track: a 1 kHz
// tone in 20 ms packets of 160 bytes, sent in real time like a camera's
// microphone.
func (s *Server) AddStreamWithAudio(path string, codec media.Codec, annexb []byte, fps int) error {
	return s.addStream(path, codec, annexb, fps, true)
}

func (s *Server) addStream(path string, codec media.Codec, annexb []byte, fps int, withAudio bool) error {
	path = normPath(path)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("fakecam: add stream: server closed")
	}
	if _, ok := s.streams[path]; ok {
		return fmt.Errorf("fakecam: add stream %s: path already served", path)
	}
	st, err := newStream(s.rtsp, path, codec, annexb, fps, withAudio, s.log)
	if err != nil {
		return err
	}
	s.streams[path] = st
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		st.pump(s.ctx)
	}()
	if st.audio != nil {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			st.pumpAudio(s.ctx, st.audio)
		}()
	}
	return nil
}

// SetDown makes a path behave like an unreachable camera: sessions on it
// are closed, new ones are refused (503) and nothing is sent until it is
// set up again. It reports whether the path exists.
func (s *Server) SetDown(path string, down bool) bool {
	s.mu.RLock()
	st, ok := s.streams[normPath(path)]
	s.mu.RUnlock()
	if !ok {
		return false
	}
	st.setDown(down)
	s.log.Info("fakecam: path state", "path", st.path, "down", down)
	return true
}

// Run waits until ctx is done or the RTSP server fails, then closes.
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
		return fmt.Errorf("fakecam: RTSP server: %w", err)
	}
	return nil
}

// Close stops the pumps and the server; it is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		s.cancel()
		s.wg.Wait()
		s.mu.RLock()
		for _, st := range s.streams {
			st.ss.Close()
		}
		s.mu.RUnlock()
		s.rtsp.Close()
	})
}

// DefaultAudioPath serves /h264/main with a G.711 audio track.
const DefaultAudioPath = "/h264/main-audio"

func normPath(p string) string {
	p = strings.TrimSuffix(p, "/")
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return p
}

func (s *Server) lookup(path string) *stream {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.streams[normPath(path)]
}

// handler answers RTSP requests; a separate type keeps the gortsplib
// callbacks out of Server's public method set.
type handler struct{ s *Server }

func (h *handler) authorize(conn *gortsplib.ServerConn, req *base.Request) error {
	if h.s.opt.User == "" || conn.VerifyCredentials(req, h.s.opt.User, h.s.opt.Pass) {
		return nil
	}
	return liberrors.ErrServerAuth{}
}

func (h *handler) find(path string) (*stream, *base.Response) {
	st := h.s.lookup(path)
	switch {
	case st == nil:
		return nil, &base.Response{StatusCode: base.StatusNotFound}
	case st.down.Load():
		return nil, &base.Response{StatusCode: base.StatusServiceUnavailable}
	}
	return st, nil
}

func (h *handler) OnDescribe(ctx *gortsplib.ServerHandlerOnDescribeCtx) (*base.Response, *gortsplib.ServerStream, error) {
	if err := h.authorize(ctx.Conn, ctx.Request); err != nil {
		return &base.Response{StatusCode: base.StatusUnauthorized}, nil, err
	}
	st, res := h.find(ctx.Path)
	if st == nil {
		return res, nil, nil
	}
	return &base.Response{StatusCode: base.StatusOK}, st.ss, nil
}

func (h *handler) OnSetup(ctx *gortsplib.ServerHandlerOnSetupCtx) (*base.Response, *gortsplib.ServerStream, error) {
	if err := h.authorize(ctx.Conn, ctx.Request); err != nil {
		return &base.Response{StatusCode: base.StatusUnauthorized}, nil, err
	}
	st, res := h.find(ctx.Path)
	if st == nil {
		return res, nil, nil
	}
	h.s.mu.Lock()
	h.s.sessions[ctx.Session] = st
	h.s.mu.Unlock()
	st.addSession(ctx.Session)
	return &base.Response{StatusCode: base.StatusOK}, st.ss, nil
}

func (h *handler) OnPlay(ctx *gortsplib.ServerHandlerOnPlayCtx) (*base.Response, error) {
	if st := h.s.lookup(ctx.Path); st != nil && st.down.Load() {
		return &base.Response{StatusCode: base.StatusServiceUnavailable}, nil
	}
	return &base.Response{StatusCode: base.StatusOK}, nil
}

func (h *handler) OnSessionClose(ctx *gortsplib.ServerHandlerOnSessionCloseCtx) {
	h.s.mu.Lock()
	st := h.s.sessions[ctx.Session]
	delete(h.s.sessions, ctx.Session)
	h.s.mu.Unlock()
	if st != nil {
		st.removeSession(ctx.Session)
	}
}
