package webui

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"skyguard/recorder/media"
	"strings"
	"testing"
	"time"
)

type fakeStore struct {
	runs    []Run
	clipErr error
	clip    *Clip
}

func (f *fakeStore) Status() Status { return Status{Box: BoxInfo{ID: "t-01"}} }

func (f *fakeStore) Events(ctx context.Context, from, to time.Time, limit int) ([]Event, error) {
	return nil, nil
}

func (f *fakeStore) Runs(ctx context.Context, camera string, from, to time.Time) ([]Run, error) {
	if camera != "cam1" {
		return nil, fmt.Errorf("camera %q: %w", camera, ErrUnknownCamera)
	}
	return f.runs, nil
}

func (f *fakeStore) Clip(ctx context.Context, camera string, from, to time.Time) (*Clip, error) {
	if camera != "cam1" {
		return nil, fmt.Errorf("camera %q: %w", camera, ErrUnknownCamera)
	}
	return f.clip, f.clipErr
}

type failingReader struct{ err error }

func (r failingReader) ReadAt(p []byte, off int64) (int, error) { return 0, r.err }

func newTestServer(t *testing.T, st *fakeStore) *httptest.Server {
	t.Helper()
	s := New(Options{Status: st, Recordings: st, Events: st})
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts
}

func TestRecordingsRunsAndGaps(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	st := &fakeStore{runs: []Run{
		{Start: t0.Add(10 * time.Second), End: t0.Add(60 * time.Second), Codec: "H264"},
		{Start: t0.Add(90 * time.Second), End: t0.Add(120 * time.Second), Codec: "H264"},
	}}
	ts := newTestServer(t, st)
	resp, err := http.Get(ts.URL + "/api/cameras/cam1/recordings?from=" + t0.Format(time.RFC3339) + "&to=" + t0.Add(150*time.Second).Format(time.RFC3339))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc recordingsDoc
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	want := []Gap{{t0, t0.Add(10 * time.Second)}, {t0.Add(60 * time.Second), t0.Add(90 * time.Second)}, {t0.Add(120 * time.Second), t0.Add(150 * time.Second)}}
	if len(doc.Gaps) != len(want) {
		t.Fatalf("gaps %+v, want %+v", doc.Gaps, want)
	}
	for i := range want {
		if !doc.Gaps[i].Start.Equal(want[i].Start) || !doc.Gaps[i].End.Equal(want[i].End) {
			t.Fatalf("gap %d: %+v, want %+v", i, doc.Gaps[i], want[i])
		}
	}
}

// Hostile and wrong requests get a clear status and a JSON error body.
func TestBadRequests(t *testing.T) {
	gone := &fakeStore{clip: &Clip{Samples: make([]media.Sample, 1), Data: failingReader{fmt.Errorf("slot 3: %w", ErrGone)}}}
	gone.clip.Samples[0].Size = 10
	cases := []struct {
		name, method, path string
		st                 *fakeStore
		code               int
		body               string
	}{
		{"no range", "GET", "/api/cameras/cam1/recordings", &fakeStore{}, 400, "from and to are required"},
		{"bad from", "GET", "/api/cameras/cam1/recordings?from=yesterday&to=2026-12-03T08:00:00Z", &fakeStore{}, 400, "from"},
		{"reversed", "GET", "/api/cameras/cam1/recordings?from=2026-12-03T09:00:00Z&to=2026-12-03T08:00:00Z", &fakeStore{}, 400, "must be after"},
		{"too long list", "GET", "/api/cameras/cam1/recordings?from=2025-01-01T00:00:00Z&to=2026-12-03T08:00:00Z", &fakeStore{}, 400, "longer than"},
		{"unknown camera", "GET", "/api/cameras/nope/recordings?from=2026-12-03T07:00:00Z&to=2026-12-03T08:00:00Z", &fakeStore{}, 404, "unknown camera"},
		{"export too long", "GET", "/api/cameras/cam1/export.mp4?from=2026-12-01T00:00:00Z&to=2026-12-03T08:00:00Z", &fakeStore{}, 400, "longer than"},
		{"export nothing", "GET", "/api/cameras/cam1/export.mp4?from=2026-12-03T07:00:00Z&to=2026-12-03T08:00:00Z", &fakeStore{clipErr: fmt.Errorf("x: %w", ErrNotRecorded)}, 404, "nothing recorded"},
		{"export gone", "GET", "/api/cameras/cam1/export.mp4?from=2026-12-03T07:00:00Z&to=2026-12-03T08:00:00Z", gone, 410, "overwritten"},
		{"events bad limit", "GET", "/api/events?limit=100000", &fakeStore{}, 400, "limit"},
		{"events bad range", "GET", "/api/events?from=x&to=y", &fakeStore{}, 400, "RFC 3339"},
		{"unknown api", "GET", "/api/nothing", &fakeStore{}, 404, "not found"},
		{"wrong method", "DELETE", "/api/status", &fakeStore{}, 405, ""},
		{"path escape", "GET", "/api/cameras/..%2f..%2fetc/recordings?from=2026-12-03T07:00:00Z&to=2026-12-03T08:00:00Z", &fakeStore{}, 404, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts := newTestServer(t, c.st)
			req, _ := http.NewRequest(c.method, ts.URL+c.path, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != c.code {
				t.Fatalf("HTTP %d, want %d: %s", resp.StatusCode, c.code, b)
			}
			if c.body != "" && !strings.Contains(string(b), c.body) {
				t.Fatalf("body %q does not mention %q", b, c.body)
			}
		})
	}
}

func TestHugeHeaderRefused(t *testing.T) {
	st := &fakeStore{}
	s := New(Options{Status: st, Recordings: st, Events: st})
	srv := httptest.NewUnstartedServer(s.Handler())
	srv.Config.MaxHeaderBytes = 64 << 10
	srv.Start()
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/api/status", nil)
	req.Header.Set("X-Big", strings.Repeat("a", 1<<20))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return // the server may just close: fine, nothing was served
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("HTTP %d for a 1 MiB header", resp.StatusCode)
	}
}
