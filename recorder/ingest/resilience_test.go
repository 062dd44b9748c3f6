package ingest

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"skyguard/recorder/media"
	"skyguard/tools/fakecam"
)

// fastRetry keeps reconnect tests short.
func fastRetry(cfg Config) Config {
	cfg.BackoffMin, cfg.BackoffMax = 50*time.Millisecond, 300*time.Millisecond
	cfg.NoFrameTimeout = time.Second
	return cfg
}

func TestFlappingCameraRecoversWithNewRun(t *testing.T) {
	t.Parallel()
	srv := startFakecam(t, fakecam.Options{})
	sink := &collector{}
	cam := runCamera(t, fastRetry(Config{ID: "flap", URL: "rtsp://" + srv.Addr() + "/h264/sub", Transport: "tcp"}), sink)
	waitFor(t, "10 frames", 10*time.Second, func() bool { return len(sink.snapshot()) >= 10 })

	srv.SetDown("/h264/sub", true)
	waitFor(t, "failing state", 10*time.Second, func() bool {
		st := cam.State()
		return st.Status == StatusFailing || st.Status == StatusConnecting && st.Reconnects > 0
	})
	downCount := len(sink.snapshot())
	waitFor(t, "a refused reconnect", 10*time.Second, func() bool {
		return cam.State().Reconnects >= 2
	})
	if st := cam.State(); st.LastError == "" {
		t.Fatalf("no LastError while down: %+v", st)
	}

	srv.SetDown("/h264/sub", false)
	waitFor(t, "streaming again", 10*time.Second, func() bool {
		return cam.State().Status == StatusStreaming && len(sink.snapshot()) > downCount+5
	})
	aus := sink.snapshot()
	var runs []int
	for i, au := range aus {
		if au.NewRun {
			runs = append(runs, i)
			if !au.Key {
				t.Fatalf("AU %d starts a run but is not a keyframe", i)
			}
		}
	}
	if len(runs) < 2 || runs[0] != 0 || runs[len(runs)-1] < downCount-1 {
		t.Fatalf("NewRun at %v (down after %d frames), want at 0 and after the outage", runs, downCount)
	}
}

func TestParamsChangeMidStream(t *testing.T) {
	t.Parallel()
	srv := startFakecam(t, fakecam.Options{NoDefaultStreams: true})
	both := append(append([]byte(nil), fakecam.ClipH264Main()...), fakecam.ClipH264Sub()...)
	if err := srv.AddStream("/switch", media.CodecH264, both, fakecam.ClipFPS); err != nil {
		t.Fatal(err)
	}
	sink := &collector{}
	runCamera(t, Config{ID: "switch", URL: "rtsp://" + srv.Addr() + "/switch", Transport: "tcp"}, sink)
	// Frames 0-99 are 1080p, 100-199 D1; the client may join mid-clip.
	var first, second *media.Params
	waitFor(t, "a parameter change", 15*time.Second, func() bool {
		aus := sink.snapshot()
		if len(aus) == 0 {
			return false
		}
		first = aus[0].Params
		for i, au := range aus {
			if au.Params != first {
				second = au.Params
				if !au.Key {
					t.Fatalf("params changed on non-keyframe %d", i)
				}
				return true
			}
		}
		return false
	})
	sizes := map[string]bool{
		fmt.Sprintf("%dx%d", first.Width, first.Height):   true,
		fmt.Sprintf("%dx%d", second.Width, second.Height): true,
	}
	if !sizes["1920x1080"] || !sizes["704x576"] || first.Equal(second) {
		t.Fatalf("params went %dx%d -> %dx%d", first.Width, first.Height, second.Width, second.Height)
	}
}

func TestBadServers(t *testing.T) {
	// A closed port: bind then release so nothing listens there.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := l.Addr().String()
	l.Close()

	garbage := serveTCP(t, func(c net.Conn) {
		bufio.NewReader(c).ReadString('\n')
		c.Write([]byte("HTTP/1.0 200 OK\r\nhello: this is not RTSP\r\n\r\n<html>\x00\xff"))
	})
	silent := serveTCP(t, func(c net.Conn) {
		time.Sleep(3 * time.Second) // accept, say nothing
	})

	cases := []struct{ name, addr, wantErr string }{
		{"closed-port", closedAddr, "connection refused"},
		{"garbage", garbage, "describe"},
		{"silent", silent, "describe"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := fastRetry(Config{ID: tc.name, URL: "rtsp://u:p@" + tc.addr + "/x"})
			cfg.NoFrameTimeout = 300 * time.Millisecond // also the read timeout floor below
			cam := runCamera(t, cfg, &collector{})
			waitFor(t, "failing with a retry", 15*time.Second, func() bool {
				st := cam.State()
				return st.Reconnects >= 1 && st.LastError != ""
			})
			st := cam.State()
			if !strings.Contains(st.LastError, tc.wantErr) || strings.Contains(st.LastError, "u:p@") {
				t.Fatalf("LastError %q: want it to mention %q and hide credentials", st.LastError, tc.wantErr)
			}
			if st.Frames != 0 {
				t.Fatalf("frames from a bad server: %d", st.Frames)
			}
			t.Logf("LastError: %s", st.LastError)
		})
	}
}

// serveTCP accepts connections on loopback and runs fn on each.
func serveTCP(t *testing.T, fn func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				fn(c)
			}()
		}
	}()
	return l.Addr().String()
}

func TestRunRejectsBadConfig(t *testing.T) {
	for _, cfg := range []Config{
		{ID: "a", URL: "http://x/y"},
		{ID: "b", URL: "rtsp://127.0.0.1:1/x", Transport: "sctp"},
		{ID: "c", URL: "::not a url"},
	} {
		cam := New(cfg, &collector{}, nil)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := cam.Run(ctx)
		cancel()
		if err == nil {
			t.Errorf("config %+v: Run returned nil", cfg)
		}
		if st := cam.State(); st.Status != StatusStopped || st.LastError == "" {
			t.Errorf("config %+v: state %+v", cfg, st)
		}
	}
}

func TestNoGoroutineLeak(t *testing.T) {
	srv := startFakecam(t, fakecam.Options{})
	time.Sleep(100 * time.Millisecond)
	base := runtime.NumGoroutine()
	for i, tr := range []string{"tcp", "udp"} {
		cam := New(fastRetry(Config{ID: fmt.Sprint("leak", i), URL: "rtsp://" + srv.Addr() + "/h264/sub", Transport: tr}), &collector{}, nil)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- cam.Run(ctx) }()
		waitFor(t, "streaming", 10*time.Second, func() bool { return cam.State().Frames > 5 })
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("Run did not return")
		}
	}
	// Server-side sessions wind down asynchronously after the clients leave.
	waitFor(t, fmt.Sprintf("goroutines back to %d", base), 10*time.Second, func() bool {
		return runtime.NumGoroutine() <= base
	})
}
