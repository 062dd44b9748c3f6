package rtspserve

import (
	"net"
	"testing"
	"time"
)

// A connection that never sends a request is closed after the
// first-request timeout, and connections beyond the limit are refused.
func TestGuardedListener(t *testing.T) {
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := newGuardedListener(raw, 2, 200*time.Millisecond)
	defer ln.Close()
	accepted := make(chan net.Conn, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	dial := func() net.Conn {
		c, err := net.Dial("tcp", raw.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c1, c2, c3 := dial(), dial(), dial()
	defer c1.Close()
	defer c2.Close()
	defer c3.Close()
	s1, s2 := <-accepted, <-accepted
	// The third is over the limit: closed by the listener, never handed out.
	_ = c3.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c3.Read(make([]byte, 1)); err == nil {
		t.Fatal("third connection over the limit was not closed")
	}
	select {
	case <-accepted:
		t.Fatal("a connection over the limit was accepted")
	default:
	}
	// The server side of a silent connection times out on its own.
	start := time.Now()
	if _, err := s1.Read(make([]byte, 1)); err == nil {
		t.Fatal("silent connection read did not time out")
	} else if time.Since(start) > 5*time.Second {
		t.Fatalf("silent connection lasted %s", time.Since(start))
	}
	// Closing one frees a slot for the next.
	s1.Close()
	s1.Close()
	c4 := dial()
	defer c4.Close()
	select {
	case s4 := <-accepted:
		s4.Close()
	case <-time.After(5 * time.Second):
		t.Fatal("a freed slot was not reused")
	}
	s2.Close()
}
