package live

import (
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

func post(t *testing.T, url, ctype, body string) (int, string) {
	t.Helper()
	res, err := http.Post(url, ctype, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// vp8Offer is a well-formed offer with no H.264 or H.265.
const vp8Offer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n" +
	"m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=recvonly\r\na=rtcp-mux\r\n" +
	"a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n" +
	"a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n" +
	"a=setup:actpass\r\na=rtpmap:96 VP8/90000\r\n"

// audioOffer is a well-formed offer with audio only.
const audioOffer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n" +
	"m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=recvonly\r\na=rtcp-mux\r\n" +
	"a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n" +
	"a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n" +
	"a=setup:actpass\r\na=rtpmap:111 opus/48000/2\r\n"

// h264Offer is vp8Offer with a usable H.264 format; its direction is
// swapped per case.
var h264Offer = strings.Replace(vp8Offer, "96\r\n", "96 102\r\n", 1) +
	"a=rtpmap:102 H264/90000\r\na=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d0028\r\n"

// Bad offers get clear errors, and after a flood beyond the limits and
// every session's end, goroutines return to their baseline.
func TestBadInputAndNoLeaks(t *testing.T) {
	e := newEnv(t, map[string][2]string{"cam1": {"/h264/main", ""}, "hevc": {"/h265/main", ""}}, Options{MaxViewers: 4, MaxViewersPerCamera: 3})
	base := e.http.URL + "/api/cameras/"
	// Settle the test's own background (ingest, fake camera) first.
	// and keep one HTTP keep-alive connection open from the start.
	post(t, base+"nope/whep", "application/sdp", vp8Offer)
	time.Sleep(500 * time.Millisecond)
	baseline := runtime.NumGoroutine()

	cases := []struct {
		name, url, ctype, body string
		code                   int
		want                   string
	}{
		{"garbage SDP", base + "cam1/whep", "application/sdp", "hello\x00world", 400, "malformed SDP"},
		{"no media", base + "cam1/whep", "application/sdp", "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", 422, "no video section"},
		{"empty body", base + "cam1/whep", "application/sdp", "", 400, "empty SDP offer"},
		{"blank body", base + "cam1/whep", "application/sdp", " \r\n", 400, "empty SDP offer"},
		{"audio only", base + "cam1/whep", "application/sdp", audioOffer, 422, "no video section"},
		{"video sendonly", base + "cam1/whep", "application/sdp", strings.Replace(h264Offer, "a=recvonly", "a=sendonly", 1), 422, "offer must receive video"},
		{"video inactive", base + "cam1/whep", "application/sdp", strings.Replace(h264Offer, "a=recvonly", "a=inactive", 1), 422, "offer must receive video"},
		{"wrong content type", base + "cam1/whep", "text/plain", "v=0", 415, "Content-Type"},
		{"oversized", base + "cam1/whep", "application/sdp", strings.Repeat("a", 70<<10), 413, "larger than"},
		{"no usable codec", base + "cam1/whep", "application/sdp", vp8Offer, 422, "no H.264"},
		{"H.265 camera, no sub", base + "hevc/whep", "application/sdp", vp8Offer, 422, "H.265"},
		{"unknown camera", base + "nope/whep", "application/sdp", vp8Offer, 404, "unknown camera"},
		{"bad stream", base + "cam1/whep?stream=x", "application/sdp", vp8Offer, 400, "main or sub"},
		{"no sub configured", base + "cam1/whep?stream=sub", "application/sdp", vp8Offer, 404, "sub"},
	}
	for _, c := range cases {
		code, body := post(t, c.url, c.ctype, c.body)
		if code != c.code || !strings.Contains(body, c.want) {
			t.Errorf("%s: got %d %q, want %d containing %q", c.name, code, body, c.code, c.want)
		}
		if n := strings.Count(body, "cam1"); n > 1 {
			t.Errorf("%s: camera named %d times in %q", c.name, n, body)
		}
	}
	// Refused offers took no viewer slot.
	if n := e.m.Sessions(); n != 0 {
		t.Fatalf("%d sessions after refused offers, want 0", n)
	}

	// A flood of real offers beyond the limits: 3 per camera, 4 per box.
	var ok []*whepClient
	busy := 0
	for i := 0; i < 8; i++ {
		c, code, body := dial(t, e.http.URL, "cam1", "", true)
		switch code {
		case 201:
			ok = append(ok, c)
		case 503:
			busy++
			if !strings.Contains(body, "at most 3") {
				t.Errorf("503 body %q does not say the limit", body)
			}
		default:
			t.Errorf("flood offer %d: %d %s", i, code, body)
		}
	}
	if len(ok) != 3 || busy != 5 {
		t.Fatalf("flood: %d accepted, %d refused; want 3 and 5", len(ok), busy)
	}
	for _, c := range ok {
		c.del(t, e.http.URL)
		_ = c.pc.Close()
	}
	if n := e.m.Sessions(); n != 0 {
		t.Fatalf("%d sessions left after DELETE", n)
	}
	// Unknown session: 404.
	req, _ := http.NewRequest(http.MethodDelete, base+"cam1/whep/deadbeef", nil)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 404 {
		t.Errorf("DELETE of an unknown session: %v %v", res, err)
	}
	// Goroutines back to baseline within a bounded wait.
	var n int
	for i := 0; i < 100; i++ {
		if n = runtime.NumGoroutine(); n <= baseline+2 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n > baseline+2 {
		buf := make([]byte, 1<<20)
		t.Fatalf("goroutines: %d, baseline %d\n%s", n, baseline, buf[:runtime.Stack(buf, true)])
	}
}
