package rtspserve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v5"
	"github.com/bluenviron/gortsplib/v5/pkg/base"
	"github.com/bluenviron/gortsplib/v5/pkg/format"
	"github.com/bluenviron/gortsplib/v5/pkg/liberrors"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h265"
	"github.com/pion/rtp"

	"skyguard/recorder/hub"
	"skyguard/recorder/ingest"
	"skyguard/tools/fakecam"
)

// source is the box side of a test: the fake camera pulled by real ingest
// into hubs, as firmware/app wires it.
type source struct {
	cam  *fakecam.Server
	hubs map[string]*hub.Hub
	ings map[string]*ingest.Camera
}

var errUnknown = errors.New("unknown stream")

func (s *source) Stream(camera, stream string) (*hub.Hub, error) {
	if h, ok := s.hubs[camera+"/"+stream]; ok {
		return h, nil
	}
	return nil, errUnknown
}

func (s *source) StreamOnline(camera, stream string) bool {
	in, ok := s.ings[camera+"/"+stream]
	return ok && in.State().Status == ingest.StatusStreaming
}

func testLogger(t *testing.T) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// startBox starts the fake camera, ingest of its three streams as cameras
// cam-h264 (main+sub) and cam-h265 (main), and the re-serve.
func startBox(t *testing.T, opt Options) (*source, *Server) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	log := testLogger(t)
	cam, err := fakecam.New(fakecam.Options{Addr: "127.0.0.1:0", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	wg.Add(1)
	go func() { defer wg.Done(); _ = cam.Run(ctx) }()
	src := &source{cam: cam, hubs: map[string]*hub.Hub{}, ings: map[string]*ingest.Camera{}}
	for key, path := range map[string]string{"cam-h264/main": "/h264/main", "cam-h264/sub": "/h264/sub", "cam-h265/main": "/h265/main"} {
		h := hub.New()
		in := ingest.New(ingest.Config{ID: key, URL: cam.URL(path), Transport: "tcp", BackoffMin: 200 * time.Millisecond, BackoffMax: time.Second}, h, log)
		src.hubs[key], src.ings[key] = h, in
		wg.Add(1)
		go func() { defer wg.Done(); _ = in.Run(ctx) }()
	}
	deadline := time.Now().Add(30 * time.Second)
	for key, in := range src.ings {
		for in.State().Status != ingest.StatusStreaming || src.hubs[key].Params() == nil {
			if time.Now().After(deadline) {
				t.Fatalf("ingest %s not streaming within 30 s: %+v", key, in.State())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	opt.Listen, opt.Source, opt.Logger = "127.0.0.1:0", src, log
	srv, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	wg.Add(1)
	go func() { defer wg.Done(); _ = srv.Run(ctx) }()
	return src, srv
}

// pulled is what a gortsplib client got from a re-served stream.
type pulled struct {
	codec         string
	width, height int
	frames        int
	firstKey      bool
	keys          int
	tsSteps       map[uint32]int // RTP timestamp step between frames -> count
}

// pull reads n frames from url with a real gortsplib client (TCP).
func pull(t *testing.T, url string, n int) (pulled, error) {
	t.Helper()
	u, err := base.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	tcp := gortsplib.ProtocolTCP
	c := &gortsplib.Client{Scheme: u.Scheme, Host: u.Host, Protocol: &tcp, ReadTimeout: 10 * time.Second}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	desc, _, err := c.Describe(u)
	if err != nil {
		return pulled{}, err
	}
	var out pulled
	out.tsSteps = map[uint32]int{}
	medi := desc.Medias[0]
	forma := medi.Formats[0]
	var decode func(*rtp.Packet) ([][]byte, error)
	var isKey func([][]byte) bool
	switch f := forma.(type) {
	case *format.H264:
		var sps h264.SPS
		if err := sps.Unmarshal(f.SPS); err != nil {
			t.Fatalf("SDP SPS: %v", err)
		}
		out.codec, out.width, out.height = "H264", sps.Width(), sps.Height()
		dec, err := f.CreateDecoder()
		if err != nil {
			t.Fatal(err)
		}
		decode, isKey = dec.Decode, h264.IsRandomAccess
	case *format.H265:
		var sps h265.SPS
		if err := sps.Unmarshal(f.SPS); err != nil {
			t.Fatalf("SDP SPS: %v", err)
		}
		out.codec, out.width, out.height = "H265", sps.Width(), sps.Height()
		dec, err := f.CreateDecoder()
		if err != nil {
			t.Fatal(err)
		}
		decode, isKey = dec.Decode, h265.IsRandomAccess
	default:
		t.Fatalf("unexpected format %T", forma)
	}
	if _, err := c.Setup(desc.BaseURL, medi, 0, 0); err != nil {
		return pulled{}, err
	}
	var mu sync.Mutex
	done := make(chan struct{})
	var lastTS uint32
	c.OnPacketRTP(medi, forma, func(pkt *rtp.Packet) {
		au, err := decode(pkt)
		if err != nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if out.frames >= n {
			return
		}
		key := isKey(au)
		if out.frames == 0 {
			out.firstKey = key
		} else {
			out.tsSteps[pkt.Timestamp-lastTS]++
		}
		if key {
			out.keys++
		}
		lastTS = pkt.Timestamp
		out.frames++
		if out.frames == n {
			close(done)
		}
	})
	if _, err := c.Play(nil); err != nil {
		return pulled{}, err
	}
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		mu.Lock()
		defer mu.Unlock()
		return out, fmt.Errorf("only %d of %d frames within 30 s", out.frames, n)
	}
	mu.Lock()
	defer mu.Unlock()
	return out, nil
}

func TestReserveStreams(t *testing.T) {
	_, srv := startBox(t, Options{})
	for _, tc := range []struct {
		path          string
		codec         string
		width, height int
	}{
		{"/cam-h264/main", "H264", 1920, 1080},
		{"/cam-h264/sub", "H264", 704, 576},
		{"/cam-h265/main", "H265", 1920, 1080},
	} {
		t.Run(tc.path, func(t *testing.T) {
			// 60 frames at 25 fps span a keyframe even for a late joiner.
			got, err := pull(t, "rtsp://"+srv.Addr()+tc.path, 60)
			if err != nil {
				t.Fatal(err)
			}
			if got.codec != tc.codec || got.width != tc.width || got.height != tc.height {
				t.Fatalf("got %s %dx%d, want %s %dx%d", got.codec, got.width, got.height, tc.codec, tc.width, tc.height)
			}
			if !got.firstKey {
				t.Fatal("first frame is not a keyframe")
			}
			// RTP time comes from the PTS: 25 fps is 3600 ticks a frame.
			if got.tsSteps[3600] < 50 {
				t.Fatalf("RTP timestamp steps %v: want nearly all 3600 (25 fps at 90 kHz)", got.tsSteps)
			}
		})
	}
	if st := srv.Streams(); len(st) != 3 {
		t.Fatalf("streams %+v, want the 3 pulled", st)
	}
}

// TestReadersShareOneSubscription: many readers, one hub subscription,
// each starting at a keyframe even when it joins mid-GOP.
func TestReadersShareOneSubscription(t *testing.T) {
	src, srv := startBox(t, Options{})
	h := src.hubs["cam-h264/main"]
	url := "rtsp://" + srv.Addr() + "/cam-h264/main"
	const readers = 4
	var wg sync.WaitGroup
	errs := make(chan error, readers)
	maxSubs, maxReaders := 0, 0
	stop := make(chan struct{})
	var watch sync.WaitGroup
	watch.Add(1)
	go func() {
		defer watch.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				maxSubs = max(maxSubs, h.Subscribers())
				maxReaders = max(maxReaders, srv.Readers("cam-h264", "main"))
			}
		}
	}()
	for i := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Staggered joins land at different points of the GOP.
			time.Sleep(time.Duration(i) * 330 * time.Millisecond)
			got, err := pull(t, url, 75)
			switch {
			case err != nil:
				errs <- fmt.Errorf("reader %d: %w", i, err)
			case !got.firstKey:
				errs <- fmt.Errorf("reader %d: first frame is not a keyframe", i)
			}
		}()
	}
	wg.Wait()
	close(stop)
	watch.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if maxSubs != 1 {
		t.Errorf("hub had up to %d subscribers for %d readers, want 1", maxSubs, readers)
	}
	if maxReaders < 2 {
		t.Errorf("reader count peaked at %d, want readers overlapping", maxReaders)
	}
	// The last reader gone, the subscription goes too.
	deadline := time.Now().Add(10 * time.Second)
	for h.Subscribers() != 0 || srv.Readers("cam-h264", "main") != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("after readers left: %d hub subscribers, %d readers", h.Subscribers(), srv.Readers("cam-h264", "main"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func statusOf(err error) base.StatusCode {
	var bad liberrors.ErrClientBadStatusCode
	if errors.As(err, &bad) {
		return bad.Code
	}
	return 0
}

func TestUnknownAndOffline(t *testing.T) {
	src, srv := startBox(t, Options{})
	for _, p := range []string{"/nope/main", "/cam-h265/sub", "/cam-h264/third", "/cam-h264", "/"} {
		_, err := pull(t, "rtsp://"+srv.Addr()+p, 1)
		if statusOf(err) != base.StatusNotFound {
			t.Errorf("%s: got %v, want 404", p, err)
		}
	}
	src.cam.SetDown("/h265/main", true)
	deadline := time.Now().Add(30 * time.Second)
	for src.StreamOnline("cam-h265", "main") {
		if time.Now().After(deadline) {
			t.Fatal("ingest did not see the camera go down within 30 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	_, err := pull(t, "rtsp://"+srv.Addr()+"/cam-h265/main", 1)
	if statusOf(err) != base.StatusServiceUnavailable {
		t.Fatalf("offline camera: got %v, want 503", err)
	}
}

func TestAuth(t *testing.T) {
	_, srv := startBox(t, Options{User: "county", Password: "s3cret"})
	_, err := pull(t, "rtsp://"+srv.Addr()+"/cam-h264/sub", 1)
	if statusOf(err) != base.StatusUnauthorized {
		t.Fatalf("no credentials: got %v, want 401", err)
	}
	_, err = pull(t, "rtsp://county:wrong@"+srv.Addr()+"/cam-h264/sub", 1)
	if statusOf(err) != base.StatusUnauthorized {
		t.Fatalf("wrong password: got %v, want 401", err)
	}
	got, err := pull(t, "rtsp://county:s3cret@"+srv.Addr()+"/cam-h264/sub", 10)
	if err != nil {
		t.Fatalf("right credentials: %v", err)
	}
	if !got.firstKey || got.width != 704 {
		t.Fatalf("got %+v", got)
	}
}

// TestStalledReader: a reader that never reads its socket must not slow
// the camera's ingest or another reader.
func TestStalledReader(t *testing.T) {
	src, srv := startBox(t, Options{})
	stalled := stallReader(t, srv.Addr(), "/cam-h264/main")
	defer stalled.Close()
	before := src.ings["cam-h264/main"].State().Frames
	got, err := pull(t, "rtsp://"+srv.Addr()+"/cam-h264/main", 200) // 8 s of video
	if err != nil {
		t.Fatalf("reader beside a stalled one: %v", err)
	}
	if !got.firstKey {
		t.Fatal("first frame is not a keyframe")
	}
	if n := src.ings["cam-h264/main"].State().Frames - before; n < 150 {
		t.Fatalf("ingest got %d frames while a reader stalled, want ~200", n)
	}
	if r := srv.Readers("cam-h264", "main"); r < 1 {
		t.Fatalf("readers %d", r)
	}
}

// stallReader plays a stream over raw RTSP/TCP and then never reads.
func stallReader(t *testing.T, addr, path string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetReadBuffer(4096)
	}
	u := "rtsp://" + addr + path
	buf := make([]byte, 8192)
	send := func(req string) string {
		if _, err := conn.Write([]byte(req)); err != nil {
			t.Fatal(err)
		}
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		n, err := conn.Read(buf)
		if err != nil {
			t.Fatalf("stalled reader: %v", err)
		}
		return string(buf[:n])
	}
	send("DESCRIBE " + u + " RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\n\r\n")
	res := send("SETUP " + u + "/trackID=0 RTSP/1.0\r\nCSeq: 2\r\nTransport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n")
	var session string
	for _, line := range splitLines(res) {
		if len(line) > 9 && (line[:8] == "Session:" || line[:8] == "session:") {
			session = line[8:]
			for len(session) > 0 && session[0] == ' ' {
				session = session[1:]
			}
			for i, ch := range session {
				if ch == ';' {
					session = session[:i]
					break
				}
			}
		}
	}
	if session == "" {
		t.Fatalf("stalled reader: no session in %q", res)
	}
	if _, err := conn.Write([]byte("PLAY " + u + " RTSP/1.0\r\nCSeq: 3\r\nSession: " + session + "\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	return conn
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '\r' && s[i+1] == '\n' {
			out = append(out, s[start:i])
			start = i + 2
		}
	}
	return out
}
