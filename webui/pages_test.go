package webui

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// camerasStatus is a status source with the given cameras.
type camerasStatus []string

func (c camerasStatus) Status() Status {
	var st Status
	for _, id := range c {
		st.Cameras = append(st.Cameras, CameraStatus{ID: id})
	}
	return st
}

// The live page exists only for cameras the box has.
func TestLivePageUnknownCamera(t *testing.T) {
	ts := httptest.NewServer(New(Options{Status: camerasStatus{"cam1"}}).Handler())
	t.Cleanup(ts.Close)
	cases := []struct {
		path string
		code int
		want string
	}{
		{"/live/cam1", 200, "whep"},
		{"/live/nope", 404, "Unknown camera “nope”"},
		{"/live/%3Cb%3E", 404, "&lt;b&gt;"},
	}
	for _, c := range cases {
		res, err := http.Get(ts.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != c.code || !strings.Contains(string(b), c.want) {
			t.Errorf("%s: got %d %q, want %d containing %q", c.path, res.StatusCode, b, c.code, c.want)
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("%s: Content-Type %q", c.path, ct)
		}
	}
}
