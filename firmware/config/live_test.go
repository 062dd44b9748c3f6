package config

import (
	"strings"
	"testing"
)

func TestLiveSection(t *testing.T) {
	base := "box: {id: b1}\nstorage: {path: /data, size: 10GiB, slot_size: 256MiB}\n"
	c, err := Parse("c.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if c.Live.UDPPort != 8189 || c.Live.TCPPort != 8189 || c.Live.MaxViewers != 16 || c.Live.LoopbackCandidates || len(c.Live.ICEServers) != 0 {
		t.Fatalf("defaults: %+v", c.Live)
	}
	c, err = Parse("c.yaml", []byte(base+"live: {udp_port: 9000, tcp_port: 9001, public_ips: [203.0.113.5], ice_servers: [\"stun:stun.example:3478\"], max_viewers: 4, max_viewers_per_camera: 2, loopback_candidates: true}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Live.UDPPort != 9000 || c.Live.TCPPort != 9001 || c.Live.PublicIPs[0] != "203.0.113.5" || c.Live.MaxViewersPerCamera != 2 || !c.Live.LoopbackCandidates {
		t.Fatalf("parsed: %+v", c.Live)
	}
	_, err = Parse("c.yaml", []byte(base+"live:\n  udp_port: 70000\n  public_ips: [nope]\n  ice_servers: [http://x]\n  loopback_candidates: maybe\n"))
	for _, want := range []string{"c.yaml:4: live.udp_port", "c.yaml:5: live.public_ips", "c.yaml:6: live.ice_servers", "c.yaml:7: live.loopback_candidates"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want error %q, got %v", want, err)
		}
	}
}
