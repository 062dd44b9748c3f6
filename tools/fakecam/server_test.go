package fakecam

import (
	"context"
	"net"
	"testing"
	"time"

	"skyguard/recorder/media"
)

func TestServerLifecycle(t *testing.T) {
	s, err := New(Options{Addr: "127.0.0.1:0", User: "u", Pass: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if _, port, _ := net.SplitHostPort(s.Addr()); port == "0" || port == "" {
		t.Fatalf("Addr %q has no chosen port", s.Addr())
	}
	if got, want := s.URL("h264/main"), "rtsp://u:p@"+s.Addr()+"/h264/main"; got != want {
		t.Fatalf("URL = %q, want %q", got, want)
	}
	if err := s.AddStream("/h264/main", media.CodecH264, ClipH264Sub(), 25); err == nil {
		t.Fatal("duplicate path accepted")
	}
	if err := s.AddStream("/x", media.CodecH264, ClipH264Sub(), 0); err == nil {
		t.Fatal("fps 0 accepted")
	}
	if err := s.AddStream("/x", media.CodecUnknown, ClipH264Sub(), 25); err == nil {
		t.Fatal("unknown codec accepted")
	}
	if s.SetDown("/nope", true) || !s.SetDown("/h264/sub", true) {
		t.Fatal("SetDown reports wrong path existence")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	s.Close() // idempotent
	if c, err := net.DialTimeout("tcp", s.Addr(), time.Second); err == nil {
		c.Close()
		t.Fatal("still listening after Close")
	}
}
