package gpio

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"skyguard/board"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

var rpiLines = []string{"GPIO17", "GPIO27", "GPIO22", "GPIO23", "GPIO24", "GPIO5", "GPIO6", "GPIO13"}

func loadShipped(t *testing.T, name string) Profile {
	t.Helper()
	p, err := LoadProfile(filepath.Join("profiles", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestShippedProfilesParse(t *testing.T) {
	for _, n := range []string{"rpi4-carrier.yaml", "generic-arm64.yaml"} {
		p := loadShipped(t, n)
		if len(p.Lines) != len(roleDirections) {
			t.Errorf("%s maps %d roles, want all %d", n, len(p.Lines), len(roleDirections))
		}
	}
	if p := loadShipped(t, "rpi4-carrier.yaml"); !p.Lines["button.reset"].ActiveLow {
		t.Error("reset button should be active-low")
	}
}

func TestBadProfiles(t *testing.T) {
	bad := map[string]string{
		"empty":         "board: x\n",
		"unknown role":  "lines: {led.party: {name: A, direction: output}}",
		"unknown field": "lines: {led.rec: {name: A, direction: output, colour: red}}",
		"direction":     "lines: {button.reset: {name: A, direction: output}}",
		"no location":   "lines: {led.rec: {direction: output}}",
		"both":          "lines: {led.rec: {name: A, chip: gpiochip0, offset: 1, direction: output}}",
		"chip only":     "lines: {led.rec: {chip: gpiochip0, direction: output}}",
		"negative":      "lines: {led.rec: {chip: gpiochip0, offset: -1, direction: output}}",
		"bias":          "lines: {button.reset: {name: A, direction: input, bias: sideways}}",
		"not yaml":      "lines: [",
	}
	for name, y := range bad {
		if _, err := ParseProfile([]byte(y)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestOpenDriveAndClose(t *testing.T) {
	chip := newFakeChip(rpiLines...)
	b, err := open(loadShipped(t, "rpi4-carrier.yaml"), chip, quiet())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range rpiLines {
		if l := chip.line(k); !l.requested || l.consumer != "skyguard" {
			t.Errorf("%s requested=%v consumer=%q", k, l.requested, l.consumer)
		}
	}
	if !chip.line("GPIO5").spec.ActiveLow || chip.line("GPIO5").onEdge == nil {
		t.Error("reset button not active-low with edge handler")
	}
	b.LED("status").Set(board.Solid)
	b.LED("rec").Set(board.FastBlink)
	b.Buzzer().Set(true)
	for tm := time.Duration(0); tm < time.Second; tm += Frame {
		b.frame(tm)
	}
	if got := chip.line("GPIO17").history; len(got) != 1 || got[0] != 1 {
		t.Errorf("solid status LED wrote %v", got)
	}
	// Fast blink: 4 on/off cycles in a second.
	if got := chip.line("GPIO27").history; len(got) != 8 {
		t.Errorf("fast-blink rec LED toggled %d times: %v", len(got), got)
	}
	if v, _ := chip.line("GPIO24").Value(); v != 1 {
		t.Error("buzzer off")
	}
	chip.line("GPIO6").value = 1
	if ok, err := b.DiskSlot().Present(); !ok || err != nil {
		t.Errorf("disk present %v %v", ok, err)
	}
	if err := b.DiskSlot().SetPower(true); err != nil {
		t.Fatal(err)
	}
	if v, _ := chip.line("GPIO13").Value(); v != 1 {
		t.Error("disk power not set")
	}
	if b.LED("nope") != nil || b.Button("nope") != nil {
		t.Error("unknown devices returned")
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	for _, k := range rpiLines {
		if chip.line(k).requested {
			t.Errorf("%s not released", k)
		}
	}
}

func TestButtonEdgesThroughBoard(t *testing.T) {
	chip := newFakeChip(rpiLines...)
	b, err := open(loadShipped(t, "rpi4-carrier.yaml"), chip, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var kinds []board.ButtonKind
	b.Button("reset").OnEvent(func(e board.ButtonEvent) {
		if e.Kind != board.Holding {
			kinds = append(kinds, e.Kind)
		}
	})
	// Drive the machine directly on a fake clock; edge() uses the wall
	// clock, which this test must not depend on.
	gb := b.buttons["reset"]
	b.mu.Lock()
	gb.m.Edge(time.Second, true)
	b.mu.Unlock()
	b.frame(1100 * time.Millisecond)
	b.mu.Lock()
	gb.m.Edge(1400*time.Millisecond, false)
	b.mu.Unlock()
	b.frame(1500 * time.Millisecond)
	if len(kinds) != 2 || kinds[1] != board.ShortPress {
		t.Fatalf("got %v", kinds)
	}
}

func TestMissingLineNamedAndEarlierLinesReleased(t *testing.T) {
	chip := newFakeChip("GPIO17", "GPIO27", "GPIO22", "GPIO23", "GPIO24", "GPIO5", "GPIO6") // no GPIO13
	_, err := open(loadShipped(t, "rpi4-carrier.yaml"), chip, quiet())
	if err == nil || !strings.Contains(err.Error(), "disk.power") || !strings.Contains(err.Error(), `"GPIO13"`) {
		t.Fatalf("error does not name the missing line: %v", err)
	}
	for _, k := range []string{"GPIO17", "GPIO5", "GPIO6"} {
		if chip.line(k).requested {
			t.Errorf("%s left requested after failed start", k)
		}
	}
	_, err = open(loadShipped(t, "generic-arm64.yaml"), newFakeChip(), quiet())
	if err == nil || !strings.Contains(err.Error(), "gpiochip") {
		t.Fatalf("error does not name the chip: %v", err)
	}
}

// The real library against the kernel's gpio-sim, where the kernel has it.
func TestGPIOSim(t *testing.T) {
	const cfs = "/sys/kernel/config/gpio-sim"
	if _, err := os.Stat(cfs); err != nil {
		t.Skipf("SKIPPED LOUDLY: %s not available (%v): needs a kernel with CONFIG_GPIO_SIM, configfs mounted and root; the real go-gpiocdev path is untested here", cfs, err)
	}
	if os.Geteuid() != 0 {
		t.Skip("SKIPPED LOUDLY: gpio-sim exists but creating a simulated chip needs root")
	}
	dir := filepath.Join(cfs, "skyguard-test")
	mk := func(p string) {
		if err := os.Mkdir(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	wr := func(p, v string) {
		if err := os.WriteFile(p, []byte(v), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mk(dir)
	mk(filepath.Join(dir, "bank0"))
	wr(filepath.Join(dir, "bank0", "num_lines"), "8")
	names := []string{"sg-status", "sg-reset"}
	for i, n := range names {
		mk(filepath.Join(dir, "bank0", "line"+string(rune('0'+i))))
		wr(filepath.Join(dir, "bank0", "line"+string(rune('0'+i)), "name"), n)
	}
	wr(filepath.Join(dir, "live"), "1")
	t.Cleanup(func() {
		_ = os.WriteFile(filepath.Join(dir, "live"), []byte("0"), 0o644)
		for i := range names {
			_ = os.Remove(filepath.Join(dir, "bank0", "line"+string(rune('0'+i))))
		}
		_ = os.Remove(filepath.Join(dir, "bank0"))
		_ = os.Remove(dir)
	})
	p, err := ParseProfile([]byte("board: sim\nlines:\n  led.status: {name: sg-status, direction: output}\n  button.reset: {name: sg-reset, direction: input, active_low: true}\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(p, quiet())
	if err != nil {
		t.Fatal(err)
	}
	b.LED("status").Set(board.Solid)
	b.frame(0)
	chipName, err := os.ReadFile(filepath.Join(dir, "bank0", "chip_name"))
	if err != nil {
		t.Fatal(err)
	}
	devs, _ := filepath.Glob("/sys/devices/platform/gpio-sim.*/" + strings.TrimSpace(string(chipName)) + "/sim_gpio0/value")
	if len(devs) != 1 {
		t.Fatalf("sim value attribute not found for %s", chipName)
	}
	if v, _ := os.ReadFile(devs[0]); strings.TrimSpace(string(v)) != "1" {
		t.Errorf("status line reads %q, want 1", v)
	}
	if _, err := Open(p, quiet()); err == nil {
		t.Error("second request of busy lines succeeded")
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
}
