package live

import (
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
)

// A Go WHEP viewer receives the camera's H.264: the first frame is a
// keyframe carrying SPS/PPS, and the SPS says 1920x1080 like the camera's.
func TestGoViewerGetsCameraH264(t *testing.T) {
	e := newEnv(t, map[string][2]string{"cam1": {"/h264/main", ""}}, Options{})
	c, code, body := dial(t, e.http.URL, "cam1", "", true)
	if code != 201 {
		t.Fatalf("offer: %d %s", code, body)
	}
	select {
	case m := <-c.mime:
		if m != "video/H264" {
			t.Fatalf("track codec %s, want video/H264", m)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no track within 20 s")
	}
	var got []rxFrame
	timeout := time.After(30 * time.Second)
	for len(got) < 50 {
		select {
		case f, ok := <-c.frames:
			if !ok {
				t.Fatalf("track ended after %d frames", len(got))
			}
			got = append(got, f)
		case <-timeout:
			t.Fatalf("only %d frames within 30 s", len(got))
		}
	}
	first := got[0]
	var sps []byte
	idr := false
	for _, n := range first.nalus {
		switch n[0] & 0x1f {
		case 7:
			sps = n
		case 5:
			idr = true
		}
	}
	if sps == nil || !idr {
		t.Fatalf("first frame is not a keyframe with SPS: NAL types %v", naluTypes(first.nalus))
	}
	var s h264.SPS
	if err := s.Unmarshal(sps); err != nil {
		t.Fatalf("parsing the received SPS: %v", err)
	}
	if s.Width() != 1920 || s.Height() != 1080 {
		t.Fatalf("received SPS says %dx%d, camera sends 1920x1080", s.Width(), s.Height())
	}
	if want := e.src["cam1"][0].Params().SPS; string(want) != string(sps) {
		t.Fatalf("received SPS differs from the camera's")
	}
	n, _ := e.m.Viewers("cam1")
	if n != 1 {
		t.Fatalf("Viewers = %d, want 1", n)
	}
	c.del(t, e.http.URL)
	if n, _ := e.m.Viewers("cam1"); n != 0 {
		t.Fatalf("Viewers after DELETE = %d, want 0", n)
	}
}

func naluTypes(ns [][]byte) []int {
	var out []int
	for _, n := range ns {
		out = append(out, int(n[0]&0x1f))
	}
	return out
}
