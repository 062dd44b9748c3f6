package ingest

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v5/pkg/description"
	"github.com/bluenviron/gortsplib/v5/pkg/format"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"

	"skyguard/recorder/media"
	"skyguard/tools/fakecam"
)

// audioCollector is a Sink that also takes audio.
type audioCollector struct {
	collector
	amu   sync.Mutex
	audio []*media.AudioPacket
}

func (c *audioCollector) WriteAudio(p *media.AudioPacket) {
	c.amu.Lock()
	c.audio = append(c.audio, p)
	c.amu.Unlock()
}

func (c *audioCollector) audioSnapshot() []*media.AudioPacket {
	c.amu.Lock()
	defer c.amu.Unlock()
	return append([]*media.AudioPacket(nil), c.audio...)
}

// The fake camera's G.711 tone reaches an AudioSink as 20 ms PCMU packets
// at about 50 per second, while the video is delivered as without audio.
func TestIngestPassesG711Audio(t *testing.T) {
	for _, transport := range []string{"tcp", "udp"} {
		t.Run(transport, func(t *testing.T) {
			srv := startFakecam(t, fakecam.Options{})
			sink := &audioCollector{}
			cam := runCamera(t, Config{ID: "a", URL: srv.URL(fakecam.DefaultAudioPath), Transport: transport}, sink)
			waitFor(t, "streaming", 20*time.Second, func() bool { return cam.State().Status == StatusStreaming })
			// Count over a window starting once audio flows, so the
			// rate is not skewed by setup time.
			waitFor(t, "first audio packet", 10*time.Second, func() bool { return len(sink.audioSnapshot()) > 0 })
			n0, f0, t0 := len(sink.audioSnapshot()), len(sink.snapshot()), time.Now()
			waitFor(t, "3 s of audio", 30*time.Second, func() bool { return time.Since(t0) >= 3*time.Second })
			pkts, aus := sink.audioSnapshot(), sink.snapshot()
			el := time.Since(t0).Seconds()
			rate := float64(len(pkts)-n0) / el
			fps := float64(len(aus)-f0) / el
			t.Logf("%s: %.1f audio packets/s, %.1f video frames/s", transport, rate, fps)
			// Generous bounds: the machine is shared; the check is that
			// packets are not duplicated nor mostly lost.
			if rate < 35 || rate > 60 {
				t.Fatalf("audio rate %.1f packets/s, want about 50", rate)
			}
			if fps < 15 || fps > 30 {
				t.Fatalf("video rate %.1f frames/s, want about 25", fps)
			}
			var prev time.Duration
			for i, p := range pkts {
				if p.Codec != media.AudioPCMU || len(p.Payload) != 160 {
					t.Fatalf("packet %d: codec %v, %d bytes; want PCMU, 160", i, p.Codec, len(p.Payload))
				}
				if i > 0 && p.PTS <= prev {
					t.Fatalf("packet %d: PTS %v not after %v", i, p.PTS, prev)
				}
				prev = p.PTS
			}
			if d := pkts[len(pkts)-1].PTS - pkts[len(pkts)-2].PTS; d != 20*time.Millisecond {
				t.Fatalf("PTS step %v, want 20ms", d)
			}
			st := cam.State()
			if st.Audio != "PCMU" || st.Note != "" || st.Codec != "H264" || st.Width != 1920 {
				t.Fatalf("state: audio %q note %q codec %s width %d", st.Audio, st.Note, st.Codec, st.Width)
			}
			if !aus[0].Key {
				t.Fatal("first access unit is not a keyframe")
			}
		})
	}
}

// A sink without WriteAudio gets the same video and a note that the
// audio goes nowhere; the audio is not even set up.
func TestIngestAudioWithoutAudioSink(t *testing.T) {
	srv := startFakecam(t, fakecam.Options{})
	sink := &collector{}
	cam := runCamera(t, Config{ID: "a", URL: srv.URL(fakecam.DefaultAudioPath), Transport: "tcp"}, sink)
	waitFor(t, "50 frames", 30*time.Second, func() bool { return len(sink.snapshot()) >= 50 })
	st := cam.State()
	if st.Audio != "" || !strings.Contains(st.Note, "audio PCMU not passed on") {
		t.Fatalf("state: audio %q note %q", st.Audio, st.Note)
	}
}

// Audio the box cannot pass on is named in the note; G.711 is chosen.
func TestPickAudioNotes(t *testing.T) {
	h264 := &description.Media{Type: description.MediaTypeVideo, Formats: []format.Format{&format.H264{PayloadTyp: 96, PacketizationMode: 1}}}
	aac := &description.Media{Type: description.MediaTypeAudio, Formats: []format.Format{&format.MPEG4Audio{
		PayloadTyp: 97, SizeLength: 13, IndexLength: 3, IndexDeltaLength: 3,
		Config: &mpeg4audio.AudioSpecificConfig{Type: mpeg4audio.ObjectTypeAACLC, SampleRate: 16000, ChannelCount: 1},
	}}}
	pcma := &description.Media{Type: description.MediaTypeAudio, Formats: []format.Format{&format.G711{PayloadTyp: 8, SampleRate: 8000, ChannelCount: 1}}}
	wide := &description.Media{Type: description.MediaTypeAudio, Formats: []format.Format{&format.G711{PayloadTyp: 98, MULaw: true, SampleRate: 16000, ChannelCount: 1}}}

	cases := []struct {
		name   string
		medias []*description.Media
		codec  string // chosen audio, "" for none
		note   string
	}{
		{"aac only", []*description.Media{h264, aac}, "", "audio MPEG-4 Audio not passed on (only G.711)"},
		{"aac and pcma", []*description.Media{h264, aac, pcma}, "PCMA", "audio MPEG-4 Audio not passed on (only G.711)"},
		{"16 kHz mu-law", []*description.Media{h264, wide}, "", "audio PCMU/16000 not passed on (only 8 kHz mono G.711)"},
		{"pcma", []*description.Media{h264, pcma}, "PCMA", ""},
		{"video only", []*description.Media{h264}, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			desc := &description.Session{Medias: tc.medias}
			v, vnote, err := pickVideo(desc)
			if err != nil || v.codec != media.CodecH264 {
				t.Fatalf("pickVideo: %v", err)
			}
			if vnote != "" {
				t.Fatalf("video note %q: audio must be left to pickAudio", vnote)
			}
			a, notes := pickAudio(desc)
			got := ""
			if a != nil {
				got = a.codec.String()
			}
			if got != tc.codec || joinNotes(notes) != tc.note {
				t.Fatalf("audio %q note %q; want %q, %q", got, joinNotes(notes), tc.codec, tc.note)
			}
		})
	}
}
