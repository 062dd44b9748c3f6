package live

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"

	"skyguard/recorder/hub"
	"skyguard/recorder/media"
)

// audioClockRate is G.711's RTP clock (RFC 3551).
const audioClockRate = 8000

// audioQueue bounds one viewer's waiting audio packets: about a second of
// 20 ms packets. Past it packets are dropped, never delayed further.
const audioQueue = 50

// audioPlan is the G.711 audio a session sends, when both the camera and
// the browser have it.
type audioPlan struct {
	capab webrtc.RTPCodecCapability
	pt    uint8
}

// planAudio matches the hub's current audio against the offer. The box
// never transcodes: a PCMA camera and a PCMU-only browser get video only,
// as do offers without a receiving audio section.
func planAudio(h *hub.Hub, offer string) (audioPlan, bool) {
	codec, ok := h.AudioCodec()
	if !ok {
		return audioPlan{}, false
	}
	mime := webrtc.MimeTypePCMU
	if codec == media.AudioPCMA {
		mime = webrtc.MimeTypePCMA
	}
	pt, ok := offeredAudioPT(offer, strings.TrimPrefix(mime, "audio/"))
	if !ok {
		return audioPlan{}, false
	}
	return audioPlan{capab: webrtc.RTPCodecCapability{MimeType: mime, ClockRate: audioClockRate}, pt: pt}, true
}

// offeredAudioPT finds the payload type of name ("PCMU" or "PCMA") in the
// offer's first audio section that can receive. Static payload types 0
// and 8 count even without an a=rtpmap line (RFC 3551).
func offeredAudioPT(offer, name string) (uint8, bool) {
	var sd sdp.SessionDescription
	if err := sd.Unmarshal([]byte(offer)); err != nil {
		return 0, false
	}
	for _, md := range sd.MediaDescriptions {
		if md.MediaName.Media != "audio" {
			continue
		}
		dir := direction(md.Attributes)
		if dir == "" {
			dir = direction(sd.Attributes)
		}
		if dir == "sendonly" || dir == "inactive" || md.MediaName.Port.Value == 0 {
			return 0, false
		}
		mapped := map[uint8]bool{}
		for _, a := range md.Attributes {
			pt, rest, ok := ptAttr(a.Value)
			if !ok || a.Key != "rtpmap" {
				continue
			}
			mapped[pt] = true
			codec, clock, _ := strings.Cut(rest, "/")
			clock, _, _ = strings.Cut(clock, "/")
			if strings.EqualFold(codec, name) && clock == strconv.Itoa(audioClockRate) {
				return pt, true
			}
		}
		static := uint8(0)
		if name == "PCMA" {
			static = 8
		}
		for _, f := range md.MediaName.Formats {
			if f == strconv.Itoa(int(static)) && !mapped[static] {
				return static, true
			}
		}
		return 0, false
	}
	return 0, false
}

// addAudioTrack adds the session's send-only audio track, in the same
// media stream as the video so the browser keeps them in sync.
func addAudioTrack(pc *webrtc.PeerConnection, plan audioPlan, camera string) (*webrtc.TrackLocalStaticRTP, *webrtc.RTPTransceiver, error) {
	track, err := webrtc.NewTrackLocalStaticRTP(plan.capab, "audio", "skyguard-"+camera)
	if err != nil {
		return nil, nil, fmt.Errorf("creating audio track: %w", err)
	}
	tr, err := pc.AddTransceiverFromTrack(track, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
	if err != nil {
		return nil, nil, fmt.Errorf("adding audio track: %w", err)
	}
	return track, tr, nil
}

// startAudio runs the session's audio writer and its RTCP reader. Audio
// is subscribed only once the peer is connected: packets queued before
// would only add latency, and none are needed to start decoding.
func (s *session) startAudio(h *hub.Hub, w rtpWriter, tr *webrtc.RTPTransceiver, connected <-chan struct{}) {
	s.workers.Add(2)
	go func() {
		defer s.workers.Done()
		select {
		case <-connected:
		case <-s.ended:
			return
		}
		sub := h.SubscribeAudio(audioQueue)
		defer sub.Close()
		writeAudio(sub.C(), s.ended, w)
	}()
	go func() {
		// RTCP must be read for the reports interceptor to work.
		defer s.workers.Done()
		buf := make([]byte, 1500)
		for {
			if _, _, err := tr.Sender().Read(buf); err != nil {
				return
			}
		}
	}()
}

// writeAudio sends each packet as one RTP packet with this viewer's own
// sequence numbers, until the queue closes or the session ends.
func writeAudio(in <-chan *media.AudioPacket, ended <-chan struct{}, w rtpWriter) {
	var seq uint16
	var clk audioClock
	first := true
	for {
		var p *media.AudioPacket
		var ok bool
		select {
		case <-ended:
			return
		case p, ok = <-in:
			if !ok {
				return
			}
		}
		out := &rtp.Packet{
			Header: rtp.Header{
				Version: 2, Marker: first, SequenceNumber: seq,
				Timestamp: clk.ts(p.PTS, len(p.Payload)),
			},
			Payload: p.Payload,
		}
		seq++
		first = false
		// A write error means the peer is going; the state handler ends
		// the session and with it this loop.
		_ = w.WriteRTP(out)
	}
}

// audioClock turns a camera's audio PTS into RTP timestamps that only
// move forward: a reconnected camera restarts its PTS, and a jump back
// would make the browser drop audio as late.
type audioClock struct {
	started bool
	base    time.Duration // PTS at baseTS
	baseTS  uint32
	next    uint32 // timestamp right after the last packet
}

func (c *audioClock) ts(pts time.Duration, samples int) uint32 {
	if !c.started || pts < c.base {
		c.started, c.base, c.baseTS = true, pts, c.next
	}
	d := pts - c.base
	ts := c.baseTS + uint32(int64(d/time.Second)*audioClockRate+int64(d%time.Second)*audioClockRate/int64(time.Second))
	if int32(ts-c.next) < 0 {
		// Earlier than a packet already sent (reordered or restarted
		// within the last packet): rebase to stay monotonic.
		c.base, c.baseTS, ts = pts, c.next, c.next
	}
	c.next = ts + uint32(samples)
	return ts
}
