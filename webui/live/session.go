package live

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"

	"skyguard/recorder/hub"
	"skyguard/recorder/media"
)

// Errors the HTTP layer maps to status codes.
var (
	errTooMany   = errors.New("too many live viewers")
	errStopping  = errors.New("live view is stopping")
	errNegotiate = errors.New("cannot negotiate")
)

// session is one viewer's peer connection.
type session struct {
	id, camera string
	stream     string // stream actually served ("main" or "sub")
	codec      media.Codec
	pc         *webrtc.PeerConnection
	b          *broadcaster
	bkey       string
	v          *viewer
	workers    sync.WaitGroup
	endOnce    sync.Once
	ended      chan struct{}
	created    time.Time
}

// feedback the box honours: NACK retransmits from its interceptor; PLI and
// FIR are accepted (the camera's own GOP answers them).
var feedback = []webrtc.RTCPFeedback{{Type: "nack"}, {Type: "nack", Parameter: "pli"}, {Type: "ccm", Parameter: "fir"}}

// negotiate builds the peer connection for a reserved session and returns
// the SDP answer. On error the caller ends the session.
func (m *Manager) negotiate(s *session, h *hub.Hub, codec media.Codec, o offered, offer string) (string, error) {
	mime := webrtc.MimeTypeH264
	if codec == media.CodecH265 {
		mime = webrtc.MimeTypeH265
	}
	capab := webrtc.RTPCodecCapability{MimeType: mime, ClockRate: clockRate, SDPFmtpLine: o.fmtp, RTCPFeedback: feedback}
	me := &webrtc.MediaEngine{}
	if err := me.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: capab, PayloadType: webrtc.PayloadType(o.pt)}, webrtc.RTPCodecTypeVideo); err != nil {
		return "", fmt.Errorf("registering codec %s: %w", mime, err)
	}
	plan, withAudio := planAudio(h, offer)
	if withAudio {
		ac := webrtc.RTPCodecParameters{RTPCodecCapability: plan.capab, PayloadType: webrtc.PayloadType(plan.pt)}
		if err := me.RegisterCodec(ac, webrtc.RTPCodecTypeAudio); err != nil {
			return "", fmt.Errorf("registering codec %s: %w", plan.capab.MimeType, err)
		}
	}
	reg := &interceptor.Registry{}
	if err := webrtc.ConfigureNack(me, reg); err != nil {
		return "", fmt.Errorf("configuring NACK: %w", err)
	}
	if err := webrtc.ConfigureRTCPReports(reg); err != nil {
		return "", fmt.Errorf("configuring RTCP reports: %w", err)
	}
	api := webrtc.NewAPI(webrtc.WithMediaEngine(me), webrtc.WithSettingEngine(m.se), webrtc.WithInterceptorRegistry(reg))
	var servers []webrtc.ICEServer
	if len(m.opt.ICEServers) > 0 {
		servers = []webrtc.ICEServer{{URLs: m.opt.ICEServers}}
	}
	pc, err := api.NewPeerConnection(webrtc.Configuration{ICEServers: servers})
	if err != nil {
		return "", fmt.Errorf("creating peer connection: %w", err)
	}
	s.pc = pc
	track, err := webrtc.NewTrackLocalStaticRTP(capab, "video", "skyguard-"+s.camera)
	if err != nil {
		return "", fmt.Errorf("creating track: %w", err)
	}
	tr, err := pc.AddTransceiverFromTrack(track, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
	if err != nil {
		return "", fmt.Errorf("adding video track: %w", err)
	}
	var atrack *webrtc.TrackLocalStaticRTP
	var atr *webrtc.RTPTransceiver
	if withAudio {
		if atrack, atr, err = addAudioTrack(pc, plan, s.camera); err != nil {
			return "", err
		}
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return "", fmt.Errorf("%w: applying the offer: %v", errBadOffer, err)
	}
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		return "", fmt.Errorf("%w: creating the answer: %v", errNegotiate, err)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(answer); err != nil {
		return "", fmt.Errorf("%w: setting the answer: %v", errNegotiate, err)
	}
	// Host candidates on the muxed ports are ready at once; an unreachable
	// STUN/TURN server must not delay the answer beyond this bound.
	select {
	case <-gathered:
	case <-time.After(m.opt.GatherTimeout):
	}
	ld := pc.LocalDescription()
	if ld == nil {
		return "", fmt.Errorf("%w: no local description", errNegotiate)
	}

	connected := make(chan struct{})
	var connOnce sync.Once
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		switch st {
		case webrtc.PeerConnectionStateConnected:
			connOnce.Do(func() { close(connected) })
		case webrtc.PeerConnectionStateFailed, webrtc.PeerConnectionStateDisconnected, webrtc.PeerConnectionStateClosed:
			// Never close the peer connection from inside its callback.
			m.wg.Add(1)
			go func() { defer m.wg.Done(); m.end(s, "peer "+st.String()) }()
		}
	})

	v := m.attach(s, h, s.stream, codec)
	s.workers.Add(3)
	go func() {
		defer s.workers.Done()
		// Packets written before DTLS is up are dropped by pion: hold the
		// queue (with its cached GOP) until the peer is connected, so the
		// first frame the browser gets is the keyframe.
		select {
		case <-connected:
			v.write(track)
		case <-s.ended:
		}
	}()
	go func() {
		// RTCP must be read for NACK and reports to work.
		defer s.workers.Done()
		buf := make([]byte, 1500)
		for {
			if _, _, err := tr.Sender().Read(buf); err != nil {
				return
			}
		}
	}()
	if withAudio {
		s.startAudio(h, atrack, atr, connected)
	}
	go func() {
		defer s.workers.Done()
		t := time.NewTimer(m.opt.ConnectTimeout)
		defer t.Stop()
		select {
		case <-connected:
		case <-s.ended:
		case <-t.C:
			m.wg.Add(1)
			go func() { defer m.wg.Done(); m.end(s, "peer never connected") }()
		}
	}()
	return ld.SDP, nil
}
