package export

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"skyguard/recorder/media"
)

// needFFmpeg skips, loudly, when the real encoder and prober are missing:
// these tests are only meaningful against them.
func needFFmpeg(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("SKIPPING: %s not installed (apt-get install ffmpeg); MP4 output is not checked against a real decoder", tool)
		}
	}
}

// encode makes a camera-like clip (25 fps, GOP 50, no B-frames, parameter
// sets and AUDs in band) with the real encoder and returns the Annex-B
// stream.
func encode(t testing.TB, codec media.Codec, frames int) []byte {
	t.Helper()
	needFFmpeg(t)
	out := filepath.Join(t.TempDir(), "clip.es")
	args := []string{"-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
		"-frames:v", strconv.Itoa(frames), "-pix_fmt", "yuv420p", "-g", "50", "-bf", "0"}
	switch codec {
	case media.CodecH264:
		args = append(args, "-c:v", "libx264", "-preset", "veryfast",
			"-x264-params", "repeat-headers=1:aud=1:keyint=50:min-keyint=50:scenecut=0", "-f", "h264")
	case media.CodecH265:
		args = append(args, "-c:v", "libx265", "-preset", "ultrafast",
			"-x265-params", "repeat-headers=1:aud=1:keyint=50:min-keyint=50:scenecut=0:bframes=0:open-gop=0:log-level=error", "-f", "hevc")
	}
	args = append(args, out)
	if b, err := exec.Command("ffmpeg", args...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg encode: %v\n%s", err, b)
	}
	es, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// splitNALUs cuts an Annex-B stream at its start codes.
func splitNALUs(es []byte) [][]byte {
	var nalus [][]byte
	start := -1
	for i := 0; i+3 <= len(es); {
		if es[i] == 0 && es[i+1] == 0 && es[i+2] == 1 {
			if start >= 0 {
				end := i
				if end > start && es[end-1] == 0 {
					end--
				}
				nalus = append(nalus, es[start:end])
			}
			i += 3
			start = i
			continue
		}
		i++
	}
	if start >= 0 && start < len(es) {
		nalus = append(nalus, es[start:])
	}
	return nalus
}

// testClip is an encoded clip as the ring would hand it out: parameters
// apart, samples in AVCC form in one byte source.
type testClip struct {
	params  media.Params
	samples []media.Sample
	data    []byte
}

// clipFrom splits the stream into access units at AUDs, moves parameter
// sets into Params and lays the frames out with a small gap before every
// keyframe, as record headers in a ring slot would sit.
func clipFrom(t testing.TB, codec media.Codec, es []byte) testClip {
	t.Helper()
	c := testClip{params: media.Params{Codec: codec}}
	var au [][]byte
	var key bool
	var buf bytes.Buffer
	flush := func() {
		if len(au) == 0 {
			return
		}
		if key {
			buf.Write(make([]byte, 24)) // a "record header" the export must skip
		}
		data := media.AVCC(au)
		c.samples = append(c.samples, media.Sample{
			PTS: time.Duration(len(c.samples)) * 40 * time.Millisecond, Dur: 40 * time.Millisecond,
			Key: key, Off: int64(buf.Len()), Size: uint32(len(data)),
		})
		buf.Write(data)
		au, key = nil, false
	}
	for _, n := range splitNALUs(es) {
		if len(n) == 0 {
			continue
		}
		if codec == media.CodecH264 {
			switch n[0] & 0x1f {
			case 9:
				flush()
			case 7:
				c.params.SPS = n
			case 8:
				c.params.PPS = n
			case 5:
				key = true
				au = append(au, n)
			default:
				au = append(au, n)
			}
			continue
		}
		switch typ := n[0] >> 1 & 0x3f; {
		case typ == 35:
			flush()
		case typ == 32:
			c.params.VPS = n
		case typ == 33:
			c.params.SPS = n
		case typ == 34:
			c.params.PPS = n
		case typ >= 16 && typ <= 23:
			key = true
			au = append(au, n)
		default:
			au = append(au, n)
		}
	}
	flush()
	c.data = buf.Bytes()
	return c
}

type probeResult struct {
	Streams []struct {
		CodecName string `json:"codec_name"`
		Width     int    `json:"width"`
		Height    int    `json:"height"`
		NbFrames  string `json:"nb_frames"`
		Duration  string `json:"duration"`
	} `json:"streams"`
	Format struct {
		Duration string            `json:"duration"`
		Tags     map[string]string `json:"tags"`
	} `json:"format"`
}

func ffprobe(t testing.TB, input string) probeResult {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries",
		"stream=codec_name,width,height,nb_frames,duration:format=duration:format_tags",
		"-of", "json", input).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe %s: %v\n%s", input, err, out)
	}
	var r probeResult
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("ffprobe output: %v\n%s", err, out)
	}
	if len(r.Streams) != 1 {
		t.Fatalf("ffprobe: %d streams, want 1\n%s", len(r.Streams), out)
	}
	return r
}

// ffmpegDecode decodes every frame and returns what ffmpeg complained about.
func ffmpegDecode(t testing.TB, input string) string {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-i", input, "-f", "null", "-").CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg decode %s: %v\n%s", input, err, out)
	}
	return string(out)
}
