package fakecam

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"skyguard/recorder/media"
)

var bundled = []struct {
	file  string
	clip  func() []byte
	codec media.Codec
	probe string // ffprobe codec_name,width,height,nb_read_frames
}{
	{"h264-1080p.h264", ClipH264Main, media.CodecH264, "h264,1920,1080,100"},
	{"h264-d1.h264", ClipH264Sub, media.CodecH264, "h264,704,576,100"},
	{"h265-1080p.h265", ClipH265Main, media.CodecH265, "hevc,1920,1080,100"},
}

func TestSplitAccessUnits(t *testing.T) {
	for _, c := range bundled {
		aus, err := splitAccessUnits(c.codec, c.clip())
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		if len(aus) != 100 {
			t.Fatalf("%s: %d access units, want 100", c.file, len(aus))
		}
		vps, sps, pps := firstParams(c.codec, aus)
		if sps == nil || pps == nil || (c.codec == media.CodecH265) != (vps != nil) {
			t.Fatalf("%s: parameter sets for the SDP missing", c.file)
		}
		// In-band parameter sets must head both keyframes (0 and 50).
		for _, i := range []int{0, 50} {
			if k, _ := classify(c.codec, aus[i][0]); k != kindVPS && k != kindSPS {
				t.Errorf("%s: AU %d does not start with parameter sets", c.file, i)
			}
		}
	}
	if _, err := splitAccessUnits(media.CodecH264, []byte("not annex-b")); err == nil {
		t.Fatal("garbage clip accepted")
	}
}

// TestBundledClipsProbe checks the committed clips with ffprobe, so a
// regenerated clip that drifts from the camera-like recipe is caught.
func TestBundledClipsProbe(t *testing.T) {
	if _, err := exec.LookPath("ffprobe"); err != nil {
		t.Skipf("SKIPPING CLIP PROBE: ffprobe not found on PATH (install Debian ffmpeg): %v", err)
	}
	for _, c := range bundled {
		path := filepath.Join("clips", c.file)
		if _, err := os.Stat(path); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
			"-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "csv=p=0", path).Output()
		if err != nil || strings.TrimSpace(string(out)) != c.probe {
			t.Errorf("%s: ffprobe %q (err %v), want %q", c.file, out, err, c.probe)
		}
		out, err = exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
			"frame=key_frame,pict_type", "-of", "csv=p=0", path).Output()
		if err != nil {
			t.Fatalf("%s: ffprobe frames: %v", c.file, err)
		}
		var keys []int
		n := 0
		for _, line := range strings.Split(string(out), "\n") {
			if line = strings.TrimSpace(line); line == "" {
				continue
			}
			if strings.HasPrefix(line, "1,") {
				keys = append(keys, n)
			}
			if strings.Contains(line, ",B") {
				t.Errorf("%s: B-frame at %d", c.file, n)
			}
			n++
		}
		if len(keys) != 2 || keys[0] != 0 || keys[1] != 50 {
			t.Errorf("%s: keyframes at %v, want [0 50]", c.file, keys)
		}
	}
}
