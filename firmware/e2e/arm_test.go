package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// crossBuild builds the firmware binary for an ARM target the way
// `make firmware` does (static, trimmed paths, no build id).
func crossBuild(t *testing.T, out, goarch, goarm string) {
	t.Helper()
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -buildid= -X skyguard/firmware/version.Version=e2e", "-o", out, "skyguard/firmware/cmd/skyguard")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch, "GOARM="+goarm)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cross build %s: %v\n%s", goarch, err, b)
	}
}

// TestFirmwareRunsOnARM runs the arm64 and armv7 binaries under qemu-user:
// `version`, then a self-test that records the bundled cameras into a
// temporary ring and exports MP4s that ffprobe and ffmpeg accept. This
// proves the firmware works on ARM, not only that it compiles.
func TestFirmwareRunsOnARM(t *testing.T) {
	requireTools(t, "qemu-aarch64-static", "qemu-arm-static", "ffprobe", "ffmpeg")
	for _, arch := range []struct{ name, goarch, goarm, qemu string }{
		{"arm64", "arm64", "", "qemu-aarch64-static"},
		{"armv7", "arm", "7", "qemu-arm-static"},
	} {
		t.Run(arch.name, func(t *testing.T) {
			dir := t.TempDir()
			bin := filepath.Join(dir, "skyguard-"+arch.name)
			crossBuild(t, bin, arch.goarch, arch.goarm)
			// Reproducible: a second build is byte-identical.
			again := bin + ".again"
			crossBuild(t, again, arch.goarch, arch.goarm)
			a, _ := os.ReadFile(bin)
			b, _ := os.ReadFile(again)
			if !bytes.Equal(a, b) {
				t.Fatalf("two builds of the same tree differ (%d vs %d bytes)", len(a), len(b))
			}
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			out := run(t, ctx, arch.qemu, bin, "version")
			if !strings.Contains(out, "skyguard e2e") {
				t.Fatalf("version under %s: %q", arch.qemu, out)
			}
			mp4s := filepath.Join(dir, "out")
			if err := os.MkdirAll(mp4s, 0o755); err != nil {
				t.Fatal(err)
			}
			out = run(t, ctx, arch.qemu, bin, "selftest", "--duration", "8s", "--out", mp4s)
			t.Logf("%s: %s", arch.name, strings.TrimSpace(out))
			for cam, codec := range map[string]string{"cam-h264": "h264", "cam-h265": "hevc"} {
				file := filepath.Join(mp4s, cam+".mp4")
				p := ffprobe(t, file)
				if s := p.Streams[0]; s.CodecName != codec || s.Width != 1920 || s.Height != 1080 {
					t.Fatalf("%s %s: %+v", arch.name, cam, s)
				}
				if d := parseSeconds(t, p.Format.Duration); d < 1 {
					t.Fatalf("%s %s: only %.2f s recorded in 8 s", arch.name, cam, d)
				}
				decodeClean(t, file)
			}
		})
	}
}
