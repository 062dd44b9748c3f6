package rtspserve

import (
	"net"
	"sync"
	"time"
)

// firstRequestTimeout is how long a new connection may stay silent before
// its first request. gortsplib sniffs each connection for HTTP tunnelling
// with no deadline of its own, so without this a peer that connects and
// says nothing would hold a socket forever.
const firstRequestTimeout = 10 * time.Second

// maxConns bounds the re-serve's connections, so that nobody can exhaust
// the box's file descriptors through it (the county needs a few readers
// per camera, not hundreds).
const maxConns = 256

// guardedListener applies the first-request deadline and the connection
// limit; connections beyond the limit are closed at once.
type guardedListener struct {
	net.Listener
	slots   chan struct{}
	silence time.Duration
}

func newGuardedListener(ln net.Listener, limit int, silence time.Duration) *guardedListener {
	return &guardedListener{Listener: ln, slots: make(chan struct{}, limit), silence: silence}
}

func (l *guardedListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		select {
		case l.slots <- struct{}{}:
		default:
			c.Close()
			continue
		}
		// gortsplib sets its own read deadlines once it has read the first
		// request; this one only covers the silence before it.
		_ = c.SetReadDeadline(time.Now().Add(l.silence))
		return &guardedConn{Conn: c, release: func() { <-l.slots }}, nil
	}
}

// guardedConn gives its slot back when closed, once.
type guardedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *guardedConn) Close() error {
	c.once.Do(c.release)
	return c.Conn.Close()
}
