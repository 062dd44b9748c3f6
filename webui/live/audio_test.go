package live

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"skyguard/recorder/media"
	"skyguard/tools/fakecam"
)

// avClient is a pion viewer offering H.264 video and PCMU/PCMA audio.
type avClient struct {
	pc     *webrtc.PeerConnection
	tracks chan string      // MIME type of each remote track
	audio  chan *rtp.Packet // audio RTP as received
	answer string
	wc     *whepClient // for del
}

func dialAV(t *testing.T, base, camera string) *avClient {
	t.Helper()
	me := &webrtc.MediaEngine{}
	if err := me.RegisterDefaultCodecs(); err != nil {
		t.Fatal(err)
	}
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetInterfaceFilter(func(name string) bool { return name == "lo" })
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	pc, err := webrtc.NewAPI(webrtc.WithMediaEngine(me), webrtc.WithSettingEngine(se)).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	c := &avClient{pc: pc, tracks: make(chan string, 4), audio: make(chan *rtp.Packet, 1024)}
	for _, kind := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeAudio} {
		if _, err := pc.AddTransceiverFromKind(kind, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			t.Fatal(err)
		}
	}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		c.tracks <- tr.Codec().MimeType
		audio := tr.Kind() == webrtc.RTPCodecTypeAudio
		go func() {
			for {
				p, _, err := tr.ReadRTP()
				if err != nil {
					return
				}
				if audio {
					select {
					case c.audio <- p:
					default:
					}
				}
			}
		}()
	})
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		t.Fatal(err)
	}
	select {
	case <-gathered:
	case <-time.After(5 * time.Second):
	}
	res, err := http.Post(base+"/api/cameras/"+camera+"/whep", "application/sdp", strings.NewReader(pc.LocalDescription().SDP))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("offer: %s %s", res.Status, body)
	}
	c.answer = string(body)
	c.wc = &whepClient{pc: pc, location: res.Header.Get("Location")}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: c.answer}); err != nil {
		t.Fatalf("applying the answer: %v\n%s", err, body)
	}
	return c
}

// waitTracks collects n track MIME types (bounded).
func waitTracks(t *testing.T, tracks <-chan string, n int) []string {
	t.Helper()
	var got []string
	timeout := time.After(20 * time.Second)
	for len(got) < n {
		select {
		case m := <-tracks:
			got = append(got, m)
		case <-timeout:
			t.Fatalf("only tracks %v within 20 s, want %d", got, n)
		}
	}
	return got
}

// A viewer offering PCMU gets the camera's G.711 as an audio track next to
// the video; viewers not offering audio, and cameras without audio, get
// video only.
func TestLiveG711Audio(t *testing.T) {
	e := newEnv(t, map[string][2]string{"talk": {fakecam.DefaultAudioPath, ""}, "mute": {"/h264/main", ""}}, Options{})
	h := e.src["talk"][0]
	deadline := time.Now().Add(10 * time.Second)
	for {
		if c, ok := h.AudioCodec(); ok && c == media.AudioPCMU {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no PCMU audio in the hub within 10 s")
		}
		time.Sleep(50 * time.Millisecond)
	}

	t.Run("offer with audio", func(t *testing.T) {
		c := dialAV(t, e.http.URL, "talk")
		got := waitTracks(t, c.tracks, 2)
		if !(got[0] == webrtc.MimeTypePCMU || got[1] == webrtc.MimeTypePCMU) || !(got[0] == webrtc.MimeTypeH264 || got[1] == webrtc.MimeTypeH264) {
			t.Fatalf("tracks %v, want H264 and PCMU", got)
		}
		var pkts []*rtp.Packet
		timeout := time.After(20 * time.Second)
		for len(pkts) < 50 {
			select {
			case p := <-c.audio:
				pkts = append(pkts, p)
			case <-timeout:
				t.Fatalf("only %d audio packets within 20 s", len(pkts))
			}
		}
		for i, p := range pkts {
			if p.PayloadType != 0 || len(p.Payload) != 160 {
				t.Fatalf("packet %d: PT %d, %d bytes; want PCMU (0), 160", i, p.PayloadType, len(p.Payload))
			}
			// The fake camera's tone is the same in every packet.
			if !bytes.Equal(p.Payload, pkts[0].Payload) {
				t.Fatalf("packet %d payload differs from the tone", i)
			}
			if i > 0 {
				if p.SequenceNumber != pkts[i-1].SequenceNumber+1 {
					t.Fatalf("packet %d: sequence %d after %d", i, p.SequenceNumber, pkts[i-1].SequenceNumber)
				}
				if d := p.Timestamp - pkts[i-1].Timestamp; d != 160 {
					t.Fatalf("packet %d: timestamp step %d, want 160 (20 ms at 8 kHz)", i, d)
				}
			}
		}
		// End with DELETE like the other tests: a peer closing on its
		// own makes pion close the box's peer connection concurrently
		// with the session's own Close, which the race detector flags
		// inside pion.
		c.wc.del(t, e.http.URL)
	})

	t.Run("offer without audio", func(t *testing.T) {
		c, code, body := dial(t, e.http.URL, "talk", "", true)
		if code != http.StatusCreated {
			t.Fatalf("offer: %d %s", code, body)
		}
		if strings.Contains(body, "m=audio") {
			t.Fatalf("answer to a video-only offer has audio:\n%s", body)
		}
		select {
		case m := <-c.mime:
			if m != webrtc.MimeTypeH264 {
				t.Fatalf("track %s, want H264", m)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("no video track within 20 s")
		}
		c.del(t, e.http.URL)
	})

	t.Run("camera without audio", func(t *testing.T) {
		c := dialAV(t, e.http.URL, "mute")
		got := waitTracks(t, c.tracks, 1)
		if got[0] != webrtc.MimeTypeH264 {
			t.Fatalf("track %s, want H264", got[0])
		}
		if strings.Contains(c.answer, "PCMU") || strings.Contains(c.answer, "PCMA") {
			t.Fatalf("answer offers audio the camera does not have:\n%s", c.answer)
		}
		select {
		case m := <-c.tracks:
			t.Fatalf("unexpected second track %s", m)
		case <-time.After(2 * time.Second):
		}
		c.wc.del(t, e.http.URL)
	})
}

// Only a receiving audio section with the camera's codec qualifies.
func TestOfferedAudioPT(t *testing.T) {
	const head = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
	cases := []struct {
		name, sdp, codec string
		pt               uint8
		ok               bool
	}{
		{"rtpmap", head + "m=audio 9 UDP/TLS/RTP/SAVPF 111 0 8\r\na=rtpmap:111 opus/48000/2\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=recvonly\r\n", "PCMA", 8, true},
		{"static only", head + "m=audio 9 RTP/AVP 0\r\n", "PCMU", 0, true},
		{"dynamic PCMU", head + "m=audio 9 RTP/AVP 100\r\na=rtpmap:100 pcmu/8000\r\n", "PCMU", 100, true},
		{"opus only", head + "m=audio 9 RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\n", "PCMU", 0, false},
		{"sendonly", head + "m=audio 9 RTP/AVP 0\r\na=sendonly\r\n", "PCMU", 0, false},
		{"rejected", head + "m=audio 0 RTP/AVP 0\r\n", "PCMU", 0, false},
		{"no audio", head + "m=video 9 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n", "PCMU", 0, false},
		{"garbage", "not sdp", "PCMU", 0, false},
	}
	for _, tc := range cases {
		pt, ok := offeredAudioPT(tc.sdp, tc.codec)
		if pt != tc.pt || ok != tc.ok {
			t.Errorf("%s: %d, %v; want %d, %v", tc.name, pt, ok, tc.pt, tc.ok)
		}
	}
}

// RTP time follows the PTS and never goes back when a camera reconnects.
func TestAudioClock(t *testing.T) {
	var c audioClock
	steps := []struct {
		pts  time.Duration
		want uint32
	}{
		{5 * time.Second, 0},
		{5*time.Second + 20*time.Millisecond, 160},
		{5*time.Second + 100*time.Millisecond, 800}, // a gap is kept
		{0, 960}, // reconnect: PTS restarts, RTP time continues
		{20 * time.Millisecond, 1120},
	}
	for i, s := range steps {
		if got := c.ts(s.pts, 160); got != s.want {
			t.Fatalf("step %d: ts %d, want %d", i, got, s.want)
		}
	}
}
