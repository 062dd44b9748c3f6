package config

import (
	"strings"
	"testing"
)

const boardBase = "box: {id: b1}\nstorage: {path: /data/ring, size: 10GiB}\n"

func TestBoardDefaults(t *testing.T) {
	c, err := Parse("/etc/skyguard/skyguard.yaml", []byte(boardBase))
	if err != nil {
		t.Fatal(err)
	}
	if c.Board != (Board{Kind: BoardSim, Profile: DefaultProfile}) || c.Uplink.Check != "" {
		t.Errorf("defaults: %+v %+v", c.Board, c.Uplink)
	}
	if d := c.SettingsDir(); d != "/etc/skyguard" {
		t.Errorf("settings dir %q", d)
	}
	demo := &Config{Storage: Storage{Path: "/tmp/demo-data"}}
	if d := demo.SettingsDir(); d != "/tmp/demo-data-settings" {
		t.Errorf("demo settings dir %q", d)
	}
}

func TestBoardGPIO(t *testing.T) {
	c, err := Parse("c.yaml", []byte(boardBase+"board: {kind: gpio, profile: /etc/b.yaml, settings: /var/lib/sg}\nuplink: {check: \"10.0.0.1:443\"}\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := Board{Kind: BoardGPIO, Profile: "/etc/b.yaml", Watchdog: DefaultWatchdog, Settings: "/var/lib/sg"}
	if c.Board != want || c.Uplink.Check != "10.0.0.1:443" || c.SettingsDir() != "/var/lib/sg" {
		t.Errorf("got %+v %+v", c.Board, c.Uplink)
	}
	c, err = Parse("c.yaml", []byte(boardBase+"board: {kind: gpio, watchdog: \"\"}\n"))
	if err != nil || c.Board.Watchdog != "" {
		t.Errorf("explicit empty watchdog: %+v %v", c.Board, err)
	}
}

func TestBoardErrors(t *testing.T) {
	_, err := Parse("c.yaml", []byte(boardBase+"board:\n  kind: usb\n  profile: rel.yaml\n  watchdog: dev/wd\n  leds: 4\nuplink: {check: nohost}\n"))
	if err == nil {
		t.Fatal("bad board section accepted")
	}
	for _, want := range []string{
		`c.yaml:4: board.kind: "usb" is neither "sim" nor "gpio"`,
		`c.yaml:5: board.profile: "rel.yaml" is not an absolute path`,
		`c.yaml:6: board.watchdog: "dev/wd" is not an absolute path`,
		`c.yaml:7: board.leds: unknown field`,
		`c.yaml:8: uplink.check: bad address "nohost"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in\n%v", want, err)
		}
	}
}
