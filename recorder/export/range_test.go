package export

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"sync/atomic"
	"testing"

	"skyguard/recorder/media"
)

func h264Export(t *testing.T) (*MP4, Clip) {
	t.Helper()
	tc := clipFrom(t, media.CodecH264, encode(t, media.CodecH264, 100))
	c := Clip{Params: tc.params, Start: testStart, Samples: tc.samples, Data: bytes.NewReader(tc.data)}
	m, err := NewMP4(c)
	if err != nil {
		t.Fatalf("NewMP4: %v", err)
	}
	return m, c
}

func TestReadAtRanges(t *testing.T) {
	m, _ := h264Export(t)
	full, err := io.ReadAll(io.NewSectionReader(m, 0, m.Size()))
	if err != nil || int64(len(full)) != m.Size() {
		t.Fatalf("read whole file: %d bytes, %v; Size %d", len(full), err, m.Size())
	}
	hlen := int64(len(m.header))
	rng := rand.New(rand.NewPCG(1, 2))
	cases := [][2]int64{{0, 1}, {hlen - 3, 10}, {hlen, 4}, {m.Size() - 5, 5}, {m.Size() - 5, 50}, {0, m.Size()}}
	for range 500 {
		off := rng.Int64N(m.Size())
		cases = append(cases, [2]int64{off, rng.Int64N(300000) + 1})
	}
	for _, c := range cases {
		off, n := c[0], c[1]
		p := make([]byte, n)
		got, err := m.ReadAt(p, off)
		end := min(off+n, m.Size())
		if int64(got) != end-off {
			t.Fatalf("ReadAt(%d, %d): %d bytes, want %d (%v)", off, n, got, end-off, err)
		}
		if end < off+n && !errors.Is(err, io.EOF) {
			t.Fatalf("ReadAt(%d, %d) past the end: err %v, want io.EOF", off, n, err)
		}
		if end == off+n && err != nil {
			t.Fatalf("ReadAt(%d, %d): %v", off, n, err)
		}
		if !bytes.Equal(p[:got], full[off:end]) {
			t.Fatalf("ReadAt(%d, %d) differs from the same slice of the whole file", off, n)
		}
	}
	if n, err := m.ReadAt(make([]byte, 8), m.Size()); n != 0 || err != io.EOF {
		t.Errorf("ReadAt at Size: %d, %v; want 0, io.EOF", n, err)
	}
	if _, err := m.ReadAt(make([]byte, 8), -1); err == nil {
		t.Error("ReadAt at -1: no error")
	}
}

type failingReader struct{ err error }

func (f failingReader) ReadAt([]byte, int64) (int, error) { return 0, f.err }

func TestReadAtSourceErrors(t *testing.T) {
	_, c := h264Export(t)
	gone := errors.New("ring: slot 17 reused")
	c.Data = failingReader{gone}
	m, err := NewMP4(c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.ReadAt(make([]byte, 100), m.Size()-50); !errors.Is(err, gone) {
		t.Errorf("source error not passed on: %v", err)
	}
	c.Data = bytes.NewReader(nil) // data shorter than the table says
	m, err = NewMP4(c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(m); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated source: %v, want io.ErrUnexpectedEOF", err)
	}
}

func TestServeHTTP(t *testing.T) {
	needFFmpeg(t)
	m, c := h264Export(t)
	full, err := io.ReadAll(io.NewSectionReader(m, 0, m.Size()))
	if err != nil {
		t.Fatal(err)
	}
	var ranges atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Range") != "" {
			ranges.Add(1)
		}
		// One MP4 shared by all requests, a section reader per request.
		http.ServeContent(w, r, "clip.mp4", c.Start, io.NewSectionReader(m, 0, m.Size()))
	}))
	defer srv.Close()
	url := srv.URL + "/clip.mp4"

	from, to := int64(1000), m.Size()-1000
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", from, to))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusPartialContent {
		t.Fatalf("range GET: status %d, %v", resp.StatusCode, err)
	}
	if !bytes.Equal(body, full[from:to+1]) {
		t.Fatalf("range GET body differs (%d bytes)", len(body))
	}

	p := ffprobe(t, url)
	if p.Streams[0].NbFrames != "100" {
		t.Errorf("ffprobe over HTTP: nb_frames %s", p.Streams[0].NbFrames)
	}
	// Seeking into the second GOP makes ffmpeg jump within mdat.
	out, err := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-ss", "3", "-i", url, "-f", "null", "-").CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("ffmpeg -ss 3 over HTTP: %v\n%s", err, out)
	}
	if ranges.Load() == 0 {
		t.Error("no request carried a Range header")
	}
	t.Logf("%d range requests served", ranges.Load())
}
