package e2e

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"skyguard/recorder/media"
	"skyguard/tools/fakecam"
)

type updateDoc struct {
	State   string `json:"state"`
	Percent int    `json:"percent"`
	Message string `json:"message"`
}

type systemDoc struct {
	System *struct {
		Slot       string `json:"slot"`
		Version    string `json:"version"`
		BootStatus string `json:"boot_status"`
		Note       string `json:"note"`
	} `json:"system"`
}

func waitUpdate(t *testing.T, base string, within time.Duration, what string, ok func(updateDoc) bool) updateDoc {
	t.Helper()
	deadline := time.Now().Add(within)
	var u updateDoc
	for time.Now().Before(deadline) {
		if getJSON(t, base+"/api/system/update", &u) == 200 && ok(u) {
			return u
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("waiting for %s: update state is %+v", what, u)
	return u
}

func postBundle(t *testing.T, base, version string) {
	t.Helper()
	resp, err := http.Post(base+"/api/system/update", "application/octet-stream",
		bytes.NewReader([]byte("fake bundle\nversion="+version+"\n")))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("upload: HTTP %d", resp.StatusCode)
	}
}

func systemOf(t *testing.T, base string) systemDoc {
	t.Helper()
	var s systemDoc
	if code := getJSON(t, base+"/api/status", &s); code != 200 || s.System == nil {
		t.Fatalf("status: HTTP %d, system %+v", code, s.System)
	}
	return s
}

// TestFirmwareUpdate drives the real daemon through a fake `rauc`: an
// install cut by a power cut leaves slot A running and is reported after
// the restart; a second upload installs, "reboots" into slot B, and the
// new slot is marked good once it records.
func TestFirmwareUpdate(t *testing.T) {
	dir := t.TempDir()
	rauc, err := filepath.Abs("../update/testdata/rauc")
	if err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "rauc")
	os.MkdirAll(state, 0o755)
	t.Setenv("FAKE_RAUC_DIR", state)
	put := func(name, text string) {
		if err := os.WriteFile(filepath.Join(state, name), []byte(text+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	read := func(name string) string {
		b, _ := os.ReadFile(filepath.Join(state, name))
		return strings.TrimSpace(string(b))
	}
	// The "rebooting" state is published before the reboot command runs
	// (on a real box the reboot ends the process): wait for the slot the
	// bootloader starts, bounded.
	booted := func(want string) string {
		for deadline := time.Now().Add(15 * time.Second); read("booted") != want && time.Now().Before(deadline); {
			time.Sleep(50 * time.Millisecond)
		}
		return read("booted")
	}
	put("booted", "A")
	put("version.A", "v1.4.0")
	put("install_hang", "")
	// The "reboot": the bootloader starts the primary slot.
	reboot := filepath.Join(dir, "reboot.sh")
	os.WriteFile(reboot, []byte("#!/bin/sh\ncp \"$FAKE_RAUC_DIR/primary\" \"$FAKE_RAUC_DIR/booted\"\n"), 0o755)

	cam, err := fakecam.New(fakecam.Options{Addr: "127.0.0.1:0", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := cam.AddStream("/cam", media.CodecH264, fakecam.ClipH264Main(), 25); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go cam.Run(ctx)

	port := freePort(t, "tcp")
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	cfg := writeConfig(t, dir, port, "64MiB", "4MiB", camCfg{"cam01", cam.URL("/cam")})
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "update: {rauc: %q, dir: %q, reboot: %q, health_deadline: 60s}\n", rauc, filepath.Join(dir, "update"), reboot)
	f.Close()

	b := startBox(t, "run", "--config", cfg)
	b.waitHTTP(t, base, 30*time.Second)
	if s := systemOf(t, base); s.System.Slot != "A" || s.System.Version != "v1.4.0" {
		t.Fatalf("system before update: %+v", *s.System)
	}
	postBundle(t, base, "v1.5.0")
	waitUpdate(t, base, 30*time.Second, "install at 40%", func(u updateDoc) bool { return u.State == "installing" && u.Percent >= 40 })
	b.kill() // power cut mid-install (rauc is in the box's process group)

	os.Remove(filepath.Join(state, "install_hang"))
	if read("booted") != "A" || read("primary") != "" {
		t.Fatalf("interrupted install switched slots: booted %q primary %q", read("booted"), read("primary"))
	}
	b = startBox(t, "run", "--config", cfg)
	b.waitHTTP(t, base, 30*time.Second)
	u := waitUpdate(t, base, 30*time.Second, "interrupted report", func(u updateDoc) bool { return u.State == "failed" })
	if !strings.Contains(u.Message, "interrupted") {
		t.Fatalf("after the power cut: %+v", u)
	}
	if s := systemOf(t, base); s.System.Slot != "A" {
		t.Fatalf("system after the power cut: %+v", *s.System)
	}

	postBundle(t, base, "v1.5.0")
	waitUpdate(t, base, 60*time.Second, "rebooting", func(u updateDoc) bool { return u.State == "rebooting" || u.State == "failed" })
	if booted("B") != "B" {
		t.Fatalf("after the reboot command booted is %q, want B (update: %+v)", read("booted"), u)
	}
	b.kill() // the reboot itself

	b = startBox(t, "run", "--config", cfg)
	b.waitHTTP(t, base, 30*time.Second)
	u = waitUpdate(t, base, 90*time.Second, "confirmation", func(u updateDoc) bool { return u.State == "idle" && u.Message != "" || u.State == "failed" })
	if u.State != "idle" || !strings.Contains(u.Message, "marked good") {
		t.Fatalf("after booting B: %+v", u)
	}
	s := systemOf(t, base)
	if s.System.Slot != "B" || s.System.Version != "v1.5.0" || s.System.BootStatus != "good" {
		t.Fatalf("system after update: %+v", *s.System)
	}

	// A bundle whose signature does not verify: failed with rauc's
	// message, nothing installed.
	put("info_fail", "signature verification failed: certificate signature failure")
	installs := strings.Count(read("calls"), "install ")
	postBundle(t, base, "v1.6.0")
	u = waitUpdate(t, base, 30*time.Second, "refusal", func(u updateDoc) bool { return u.State == "failed" })
	if !strings.Contains(u.Message, "signature verification failed") || strings.Count(read("calls"), "install ") != installs || read("primary") != "B" {
		t.Fatalf("bad signature: %+v", u)
	}
	os.Remove(filepath.Join(state, "info_fail"))

	// An update whose slot does not record: the camera is down after the
	// reboot, so slot A (the new one) is marked bad and the box reboots
	// back into B.
	postBundle(t, base, "v1.7.0")
	waitUpdate(t, base, 60*time.Second, "rebooting", func(u updateDoc) bool { return u.State == "rebooting" || u.State == "failed" })
	if booted("A") != "A" {
		t.Fatalf("second update booted %q, want A", read("booted"))
	}
	b.kill()
	cam.SetDown("/cam", true)
	data, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, []byte(strings.Replace(string(data), "health_deadline: 60s", "health_deadline: 10s", 1)), 0o644)
	b = startBox(t, "run", "--config", cfg)
	b.waitHTTP(t, base, 30*time.Second)
	u = waitUpdate(t, base, 60*time.Second, "health verdict", func(u updateDoc) bool { return u.State == "failed" || u.State == "idle" && u.Message != "" })
	if u.State != "failed" || !strings.Contains(u.Message, "no frames recorded") {
		t.Fatalf("unhealthy slot: %+v", u)
	}
	booted("B") // the reboot back follows the published verdict
	if calls := read("calls"); !strings.Contains(calls, "status mark-bad") || read("state.A") != "bad" || read("booted") != "B" {
		t.Fatalf("want slot A marked bad and B booted again: state.A %q booted %q\n%s", read("state.A"), read("booted"), calls)
	}
	b.stop(t)
}
