package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type camCfg struct{ id, url string }

// writeConfig writes a provisioning file for a box under dir.
func writeConfig(t *testing.T, dir string, httpPort int, size, slot string, cams ...camCfg) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "box: {id: e2e-01, name: 测试录像机, township: 嘉祥街道}\n")
	fmt.Fprintf(&b, "storage: {path: %q, size: %s, slot_size: %s}\n", filepath.Join(dir, "data"), size, slot)
	// No re-serve, and live view on loopback only with free ports and
	// loopback candidates (a browser on this machine offers none of its
	// own): test boxes never listen beyond loopback.
	fmt.Fprintf(&b, "http: {listen: \"127.0.0.1:%d\"}\nrtsp: {listen: \"\"}\n", httpPort)
	fmt.Fprintf(&b, "live: {listen_ip: 127.0.0.1, udp_port: 0, tcp_port: 0, loopback_candidates: true}\ncameras:\n")
	for _, c := range cams {
		fmt.Fprintf(&b, "  - {id: %s, name: %s, main: %q, transport: tcp}\n", c.id, c.id, c.url)
	}
	path := filepath.Join(dir, "skyguard.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
