package live

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/webrtc/v4"

	"skyguard/recorder/hub"
	"skyguard/recorder/media"
)

// Manager owns the ICE ports, the live sessions and the per-stream
// broadcasters. Its methods are safe for concurrent use.
type Manager struct {
	opt     Options
	log     *slog.Logger
	se      webrtc.SettingEngine
	udpConn net.PacketConn
	tcpLn   net.Listener
	udpMux  ice.UDPMux
	tcpMux  ice.TCPMux

	mu       sync.Mutex
	closed   bool
	sessions map[string]*session
	bcast    map[string]*broadcaster
	wg       sync.WaitGroup
}

// New binds the shared ICE UDP and TCP ports.
func New(opt Options) (*Manager, error) {
	opt = opt.withDefaults()
	m := &Manager{opt: opt, log: opt.Logger, sessions: map[string]*session{}, bcast: map[string]*broadcaster{}}
	udpAddr := net.JoinHostPort(opt.ListenIP, strconv.Itoa(opt.UDPPort))
	uc, err := net.ListenPacket("udp4", udpAddr)
	if err != nil {
		return nil, fmt.Errorf("live: listen ICE UDP %s: %w", udpAddr, err)
	}
	tcpAddr := net.JoinHostPort(opt.ListenIP, strconv.Itoa(opt.TCPPort))
	tl, err := net.Listen("tcp4", tcpAddr)
	if err != nil {
		uc.Close()
		return nil, fmt.Errorf("live: listen ICE TCP %s: %w", tcpAddr, err)
	}
	m.udpConn, m.tcpLn = uc, tl
	m.udpMux = webrtc.NewICEUDPMux(nil, uc)
	m.tcpMux = webrtc.NewICETCPMux(nil, tl, 8)

	se := webrtc.SettingEngine{}
	se.SetICEUDPMux(m.udpMux)
	se.SetICETCPMux(m.tcpMux)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeTCP4})
	// Passive ICE-TCP only: the box never dials out to viewers.
	se.DisableActiveTCP(true)
	// mDNS would open a multicast socket per peer; browsers reach the
	// box's plain host candidates and are learnt as peer-reflexive.
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetIncludeLoopbackCandidate(opt.Loopback)
	se.SetICETimeouts(5*time.Second, 10*time.Second, 2*time.Second)
	se.SetSTUNGatherTimeout(opt.GatherTimeout)
	if len(opt.PublicIPs) > 0 {
		se.SetNAT1To1IPs(opt.PublicIPs, webrtc.ICECandidateTypeHost)
	}
	m.se = se
	return m, nil
}

// UDPAddr and TCPAddr are the bound ICE ports.
func (m *Manager) UDPAddr() net.Addr { return m.udpConn.LocalAddr() }

// TCPAddr is the bound ICE-TCP listener's address.
func (m *Manager) TCPAddr() net.Addr { return m.tcpLn.Addr() }

// Run waits for ctx to end, then ends every session and frees the ports.
func (m *Manager) Run(ctx context.Context) error {
	<-ctx.Done()
	m.Close()
	return nil
}

// Close ends every session and frees the ports; later offers get 503.
func (m *Manager) Close() {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return
	}
	m.closed = true
	var all []*session
	for _, s := range m.sessions {
		all = append(all, s)
	}
	m.mu.Unlock()
	for _, s := range all {
		m.end(s, "box stopping")
	}
	m.wg.Wait()
	_ = m.udpMux.Close()
	_ = m.tcpMux.Close()
	_ = m.udpConn.Close()
	_ = m.tcpLn.Close()
}

// ViewerStats is one camera's live audience.
type ViewerStats struct {
	Viewers int     `json:"viewers"`
	Bps     float64 `json:"bitrate_bps"` // all its viewers together
	Dropped uint64  `json:"dropped_frames"`
}

// Viewers reports the sessions watching a camera and their total bit rate
// over the last second.
func (m *Manager) Viewers(camera string) (n int, bps float64) {
	st := m.CameraStats(camera)
	return st.Viewers, st.Bps
}

// CameraStats is Viewers with the frames dropped for slow viewers.
func (m *Manager) CameraStats(camera string) ViewerStats {
	now := time.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	var st ViewerStats
	for _, s := range m.sessions {
		if s.camera != camera {
			continue
		}
		st.Viewers++
		if s.v != nil {
			st.Bps += s.v.rate.bps(now)
			st.Dropped += s.v.dropped.Load()
		}
	}
	return st
}

// Sessions is the number of open sessions of the whole box.
func (m *Manager) Sessions() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.sessions)
}

// reserve books a session slot under the limits.
func (m *Manager) reserve(camera string) (*session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, errStopping
	}
	if len(m.sessions) >= m.opt.MaxViewers {
		return nil, fmt.Errorf("%w: the box serves at most %d live viewers", errTooMany, m.opt.MaxViewers)
	}
	n := 0
	for _, s := range m.sessions {
		if s.camera == camera {
			n++
		}
	}
	if n >= m.opt.MaxViewersPerCamera {
		return nil, fmt.Errorf("%w: camera %q serves at most %d live viewers", errTooMany, camera, m.opt.MaxViewersPerCamera)
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	s := &session{id: hex.EncodeToString(b[:]), camera: camera, ended: make(chan struct{})}
	m.sessions[s.id] = s
	return s, nil
}

// attach adds a viewer for the stream, starting its broadcaster if needed.
func (m *Manager) attach(s *session, h *hub.Hub, stream string, codec media.Codec) *viewer {
	key := s.camera + "/" + stream + "/" + codec.String()
	m.mu.Lock()
	defer m.mu.Unlock()
	b := m.bcast[key]
	if b == nil {
		b = newBroadcaster(s.camera, stream, h, codec)
		m.bcast[key] = b
	}
	s.bkey, s.b = key, b
	v := b.add(s.camera, stream)
	s.v = v
	return v
}

// end closes a session once: peer connection, queue, writer, broadcaster
// when it was the last viewer.
func (m *Manager) end(s *session, why string) {
	s.endOnce.Do(func() {
		close(s.ended)
		if s.pc != nil {
			_ = s.pc.Close()
		}
		var stop *broadcaster
		m.mu.Lock()
		delete(m.sessions, s.id)
		if s.b != nil && s.b.remove(s.v) == 0 && m.bcast[s.bkey] == s.b {
			delete(m.bcast, s.bkey)
			stop = s.b
		}
		m.mu.Unlock()
		s.workers.Wait()
		if stop != nil {
			stop.stop()
		}
		m.log.Info("live: session ended", "camera", s.camera, "session", s.id, "reason", why)
	})
}

// lookup finds an open session of a camera.
func (m *Manager) lookup(camera, id string) *session {
	m.mu.Lock()
	defer m.mu.Unlock()
	if s := m.sessions[id]; s != nil && s.camera == camera {
		return s
	}
	return nil
}
