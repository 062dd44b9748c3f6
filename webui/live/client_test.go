package live

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"
)

// rxFrame is one depacketized access unit as a viewer got it.
type rxFrame struct {
	nalus [][]byte
	ts    uint32
}

// whepClient is a pion viewer: it posts an offer and depacketizes H.264.
type whepClient struct {
	pc       *webrtc.PeerConnection
	location string
	stream   string
	mime     chan string
	frames   chan rxFrame
}

// dial posts a recvonly H.264 offer to the camera's WHEP endpoint. With
// read false the peer never reads RTP (a stalled viewer).
func dial(t testing.TB, base, camera, query string, read bool) (*whepClient, int, string) {
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
	api := webrtc.NewAPI(webrtc.WithMediaEngine(me), webrtc.WithSettingEngine(se))
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	c := &whepClient{pc: pc, mime: make(chan string, 1), frames: make(chan rxFrame, 4096)}
	t.Cleanup(func() { _ = pc.Close() })
	if _, err := pc.AddTransceiverFromKind(webrtc.RTPCodecTypeVideo, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
		t.Fatal(err)
	}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		c.mime <- tr.Codec().MimeType
		if !read {
			return
		}
		go c.readLoop(tr)
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
	url := base + "/api/cameras/" + camera + "/whep" + query
	res, err := http.Post(url, "application/sdp", strings.NewReader(pc.LocalDescription().SDP))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		_ = pc.Close()
		return nil, res.StatusCode, string(body)
	}
	c.location = res.Header.Get("Location")
	c.stream = res.Header.Get("X-Skyguard-Stream")
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: string(body)}); err != nil {
		t.Fatalf("applying the answer: %v\n%s", err, body)
	}
	return c, res.StatusCode, string(body)
}

// readLoop depacketizes H.264 RTP into access units (by marker bit).
func (c *whepClient) readLoop(tr *webrtc.TrackRemote) {
	var dep codecs.H264Packet
	var cur [][]byte
	for {
		p, _, err := tr.ReadRTP()
		if err != nil {
			close(c.frames)
			return
		}
		c.push(&dep, p, &cur)
	}
}

func (c *whepClient) push(dep *codecs.H264Packet, p *rtp.Packet, cur *[][]byte) {
	out, err := dep.Unmarshal(p.Payload)
	if err == nil && len(out) > 0 {
		*cur = append(*cur, splitAnnexB(out)...)
	}
	if p.Marker && len(*cur) > 0 {
		select {
		case c.frames <- rxFrame{nalus: *cur, ts: p.Timestamp}:
		default:
		}
		*cur = nil
	}
}

func splitAnnexB(b []byte) [][]byte {
	var out [][]byte
	for _, part := range bytes.Split(b, []byte{0, 0, 0, 1}) {
		if len(part) > 0 {
			out = append(out, part)
		}
	}
	return out
}

// del ends the session with DELETE.
func (c *whepClient) del(t testing.TB, base string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, base+c.location, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("DELETE %s: %s", c.location, res.Status)
	}
}

func (c *whepClient) String() string { return fmt.Sprintf("viewer %s", c.location) }
