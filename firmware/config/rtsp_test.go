package config

import (
	"strings"
	"testing"
)

func TestRTSPSection(t *testing.T) {
	const head = "box: {id: b1}\nstorage: {path: /data/x, size: 1GiB, slot_size: 64MiB}\n"
	for _, tc := range []struct {
		name, yaml string
		want       RTSP
		err        string // substring of the error, "" for none
	}{
		{"absent: on by default", "", RTSP{Listen: ":8554"}, ""},
		{"listen and auth", "rtsp: {listen: \"127.0.0.1:9554\", user: county, password: pw}\n", RTSP{Listen: "127.0.0.1:9554", User: "county", Password: "pw"}, ""},
		{"empty listen turns it off", "rtsp: {listen: \"\"}\n", RTSP{}, ""},
		{"enabled false", "rtsp: {enabled: false, listen: \":9000\"}\n", RTSP{}, ""},
		{"bad listen", "rtsp: {listen: \"8554\"}\n", RTSP{}, "rtsp.listen"},
		{"user without password", "rtsp: {user: county}\n", RTSP{}, "rtsp.password"},
		{"password without user", "rtsp: {password: pw}\n", RTSP{}, "rtsp.user"},
		{"bad enabled", "rtsp: {enabled: maybe}\n", RTSP{}, "rtsp.enabled"},
		{"unknown field", "rtsp: {port: 8554}\n", RTSP{}, "rtsp.port"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse("t.yaml", []byte(head+tc.yaml))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "t.yaml:3") {
					t.Fatalf("got %v, want an error on line 3 naming %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.RTSP != tc.want {
				t.Fatalf("got %+v, want %+v", c.RTSP, tc.want)
			}
		})
	}
}
