package export

import (
	"bytes"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"skyguard/recorder/media"
)

var testStart = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

// writeFile streams the MP4 to disk through Read, as a download would.
func writeFile(t testing.TB, m *MP4) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "out.mp4")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(f, m)
	if err != nil {
		t.Fatalf("copy mp4: %v", err)
	}
	if n != m.Size() {
		t.Fatalf("copied %d bytes, Size says %d", n, m.Size())
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// frameHashes decodes input and returns one MD5 per decoded picture.
func frameHashes(t testing.TB, input, format string) []string {
	t.Helper()
	args := []string{"-nostdin", "-v", "error"}
	if format != "" {
		args = append(args, "-f", format)
	}
	args = append(args, "-i", input, "-f", "framemd5", "-")
	out, err := exec.Command("ffmpeg", args...).Output()
	if err != nil {
		t.Fatalf("ffmpeg framemd5 %s: %v", input, err)
	}
	var h []string
	for _, l := range strings.Split(string(out), "\n") {
		if l == "" || l[0] == '#' {
			continue
		}
		f := strings.Split(l, ",")
		h = append(h, strings.TrimSpace(f[len(f)-1]))
	}
	return h
}

func TestMP4WithFFmpeg(t *testing.T) {
	for _, tc := range []struct {
		codec  media.Codec
		format string // ffmpeg demuxer of the raw stream
		name   string // ffprobe codec_name
	}{
		{media.CodecH264, "h264", "h264"},
		{media.CodecH265, "hevc", "hevc"},
	} {
		t.Run(tc.codec.String(), func(t *testing.T) {
			es := encode(t, tc.codec, 100)
			esPath := filepath.Join(t.TempDir(), "clip.es")
			if err := os.WriteFile(esPath, es, 0o644); err != nil {
				t.Fatal(err)
			}
			tcl := clipFrom(t, tc.codec, es)
			if len(tcl.samples) != 100 {
				t.Fatalf("split %d access units, want 100", len(tcl.samples))
			}
			if !tcl.samples[50].Key || tcl.samples[49].Key {
				t.Fatal("encoder did not put a keyframe every 50 frames")
			}
			want := frameHashes(t, esPath, tc.format)

			t.Run("whole", func(t *testing.T) {
				checkExport(t, tc.name, Clip{Params: tcl.params, Start: testStart, Samples: tcl.samples, Data: bytes.NewReader(tcl.data)}, want)
			})
			t.Run("second GOP", func(t *testing.T) {
				// The ring hands out a clip starting at any keyframe; its
				// samples keep their offsets into the same data.
				sub := append([]media.Sample(nil), tcl.samples[50:]...)
				for i := range sub {
					sub[i].PTS -= tcl.samples[50].PTS
				}
				start := testStart.Add(2 * time.Second)
				checkExport(t, tc.name, Clip{Params: tcl.params, Start: start, Samples: sub, Data: bytes.NewReader(tcl.data)}, want[50:])
			})
		})
	}
}

func checkExport(t *testing.T, codecName string, c Clip, wantHashes []string) {
	m, err := NewMP4(c)
	if err != nil {
		t.Fatalf("NewMP4: %v", err)
	}
	var sum time.Duration
	for _, s := range c.Samples {
		sum += s.Dur
	}
	if m.Duration() != sum {
		t.Errorf("Duration %v, want %v", m.Duration(), sum)
	}
	path := writeFile(t, m)
	if msg := ffmpegDecode(t, path); msg != "" {
		t.Errorf("ffmpeg complained decoding the export:\n%s", msg)
	}
	p := ffprobe(t, path)
	s := p.Streams[0]
	if s.CodecName != codecName || s.Width != 640 || s.Height != 360 {
		t.Errorf("ffprobe: codec %s %dx%d, want %s 640x360", s.CodecName, s.Width, s.Height, codecName)
	}
	if s.NbFrames != strconv.Itoa(len(c.Samples)) {
		t.Errorf("ffprobe nb_frames %s, want %d", s.NbFrames, len(c.Samples))
	}
	d, err := strconv.ParseFloat(p.Format.Duration, 64)
	if err != nil || math.Abs(d-sum.Seconds()) > 0.040 {
		t.Errorf("ffprobe duration %q, want %.3f ±0.040", p.Format.Duration, sum.Seconds())
	}
	ct, err := time.Parse(time.RFC3339Nano, p.Format.Tags["creation_time"])
	if err != nil || !ct.Equal(c.Start) {
		t.Errorf("ffprobe creation_time %q, want %v", p.Format.Tags["creation_time"], c.Start)
	}
	if date := p.Format.Tags["date"]; !strings.HasPrefix(date, c.Start.Format("2006-01-02T15:04:05")) {
		t.Errorf("ffprobe date tag %q, want the ISO 8601 start", date)
	}
	got := frameHashes(t, path, "")
	if strings.Join(got, " ") != strings.Join(wantHashes, " ") {
		t.Errorf("decoded pictures differ from the encoder's stream: got %d frames, want %d", len(got), len(wantHashes))
	}
}
