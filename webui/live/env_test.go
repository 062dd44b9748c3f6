package live

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"skyguard/recorder/hub"
	"skyguard/recorder/ingest"
	"skyguard/tools/fakecam"
	"skyguard/webui"
)

// testSource maps camera ids to their main and sub hubs.
type testSource map[string][2]*hub.Hub

func (s testSource) Stream(camera, stream string) (*hub.Hub, error) {
	hs, ok := s[camera]
	if !ok {
		return nil, fmt.Errorf("camera %q: %w", camera, webui.ErrUnknownCamera)
	}
	if stream == "sub" {
		if hs[1] == nil {
			return nil, fmt.Errorf("camera %q has no sub stream", camera)
		}
		return hs[1], nil
	}
	return hs[0], nil
}

// env is a fake camera ingested into hubs, a Manager and its HTTP server.
type env struct {
	cam  *fakecam.Server
	src  testSource
	m    *Manager
	http *httptest.Server
}

// newEnv starts the fake camera and ingests the given paths: cameras
// maps an id to its main and (optional) sub path.
func newEnv(t testing.TB, cameras map[string][2]string, opt Options) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cam, err := fakecam.New(fakecam.Options{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatalf("starting fake camera: %v", err)
	}
	camDone := make(chan struct{})
	go func() { defer close(camDone); _ = cam.Run(ctx) }()
	e := &env{cam: cam, src: testSource{}}
	ingDone := make(chan struct{}, 8)
	n := 0
	for id, paths := range cameras {
		var hs [2]*hub.Hub
		for i, p := range paths {
			if p == "" {
				continue
			}
			hs[i] = hub.New()
			ing := ingest.New(ingest.Config{ID: id, URL: cam.URL(p), Transport: "tcp"}, hs[i], nil)
			n++
			go func() { _ = ing.Run(ctx); ingDone <- struct{}{} }()
		}
		e.src[id] = hs
	}
	opt.Source = e.src
	opt.ListenIP = "127.0.0.1"
	opt.Loopback = true
	e.m, err = New(opt)
	if err != nil {
		t.Fatalf("live.New: %v", err)
	}
	mux := http.NewServeMux()
	e.m.Routes(mux)
	e.http = httptest.NewServer(mux)
	t.Cleanup(func() {
		e.http.Close()
		e.m.Close()
		cancel()
		for range n {
			<-ingDone
		}
		<-camDone
	})
	// Wait (bounded) until every hub has parameters and a keyframe.
	deadline := time.Now().Add(20 * time.Second)
	for id, hs := range e.src {
		for _, h := range hs {
			for h != nil && !hasGOP(h) {
				if time.Now().After(deadline) {
					t.Fatalf("camera %s: no keyframe from the fake camera within 20 s", id)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
	}
	return e
}

// hasGOP reports whether a new subscriber would start on a keyframe now.
func hasGOP(h *hub.Hub) bool {
	if h.Params() == nil {
		return false
	}
	s := h.Subscribe(1)
	defer s.Close()
	select {
	case au := <-s.C():
		return au != nil && au.Key
	default:
		return false
	}
}
