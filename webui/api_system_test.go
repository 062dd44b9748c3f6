package webui

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// fakeUpdater records what it was handed.
type fakeUpdater struct {
	dir   string
	max   int64
	mu    sync.Mutex
	state UpdateState
	got   []byte // contents of the started bundle
	err   error
}

func (f *fakeUpdater) UpdateState() UpdateState {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.state
}

func (f *fakeUpdater) UpdateSpool() (string, int64) { return f.dir, f.max }

func (f *fakeUpdater) StartUpdate(path string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	f.got = b
	os.Remove(path)
	f.state = UpdateState{State: "verifying", Message: "checking"}
	return nil
}

func newUpdateServer(t *testing.T, u Updater) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(New(Options{Status: nil, Updater: u}).Handler())
	t.Cleanup(srv.Close)
	return srv
}

func spoolEmpty(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	if len(ents) != 0 {
		t.Errorf("spool dir keeps %d files", len(ents))
	}
}

func TestUpdateUploadRaw(t *testing.T) {
	u := &fakeUpdater{dir: filepath.Join(t.TempDir(), "spool"), max: 1 << 20, state: UpdateState{State: "idle"}}
	srv := newUpdateServer(t, u)
	bundle := bytes.Repeat([]byte("RAUCBUNDLE"), 50000)
	resp, err := http.Post(srv.URL+"/api/system/update", "application/octet-stream", bytes.NewReader(bundle))
	if err != nil {
		t.Fatal(err)
	}
	var st UpdateState
	json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted || st.State != "verifying" {
		t.Fatalf("status %d, state %+v", resp.StatusCode, st)
	}
	if !bytes.Equal(u.got, bundle) {
		t.Fatalf("updater got %d bytes, want %d", len(u.got), len(bundle))
	}
	spoolEmpty(t, u.dir)

	// While busy, a second upload is refused before it is read.
	resp, err = http.Post(srv.URL+"/api/system/update", "application/octet-stream", bytes.NewReader(bundle))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("busy upload: %d, want 409", resp.StatusCode)
	}

	resp, err = http.Get(srv.URL + "/api/system/update")
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	if st.State != "verifying" {
		t.Fatalf("GET state %+v", st)
	}
}

func TestUpdateUploadMultipart(t *testing.T) {
	u := &fakeUpdater{dir: t.TempDir(), max: 1 << 20, state: UpdateState{State: "failed"}}
	srv := newUpdateServer(t, u)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("note", "from the web page")
	fw, _ := mw.CreateFormFile("bundle", "skyguard-rpi4-v1.5.0.raucb")
	fw.Write([]byte("the bundle bytes"))
	mw.Close()
	resp, err := http.Post(srv.URL+"/api/system/update", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted || string(u.got) != "the bundle bytes" {
		t.Fatalf("status %d, got %q", resp.StatusCode, u.got)
	}
}

func TestUpdateUploadTooBig(t *testing.T) {
	u := &fakeUpdater{dir: t.TempDir(), max: 64 << 10, state: UpdateState{State: "idle"}}
	srv := newUpdateServer(t, u)
	big := bytes.Repeat([]byte{1}, 2<<20)
	// Declared length over the limit: refused up front.
	resp, err := http.Post(srv.URL+"/api/system/update", "application/octet-stream", bytes.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("declared too big: %d", resp.StatusCode)
	}
	// Chunked (no length): cut off while streaming.
	resp, err = http.Post(srv.URL+"/api/system/update", "application/octet-stream", io.MultiReader(bytes.NewReader(big[:100<<10])))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("streamed too big: %d", resp.StatusCode)
	}
	if u.got != nil {
		t.Fatal("an oversized bundle reached the updater")
	}
	spoolEmpty(t, u.dir)
}

func TestUpdateUnavailable(t *testing.T) {
	srv := newUpdateServer(t, nil)
	resp, err := http.Get(srv.URL + "/api/system/update")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("no updater: %d", resp.StatusCode)
	}
	u := &fakeUpdater{dir: t.TempDir(), max: 1 << 20, state: UpdateState{State: "idle"}, err: ErrUpdateUnavailable}
	srv = newUpdateServer(t, u)
	resp, err = http.Post(srv.URL+"/api/system/update", "application/octet-stream", bytes.NewReader([]byte("x")))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("rauc absent: %d", resp.StatusCode)
	}
	spoolEmpty(t, u.dir)
}

// bodyReadReader fails the test if the handler reads the body.
type bodyReadReader struct{ t *testing.T }

func (r bodyReadReader) Read(p []byte) (int, error) {
	r.t.Error("the upload body was read although updates are unavailable")
	return 0, io.EOF
}

// Without rauc the state says so, and an upload is refused before its
// body is read or anything is spooled.
func TestUpdateUnavailableState(t *testing.T) {
	u := &fakeUpdater{dir: t.TempDir(), max: 1 << 20, err: ErrUpdateUnavailable,
		state: UpdateState{State: UpdateUnavailable, Message: "rauc is not installed"}}
	h := New(Options{Updater: u}).Handler()

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/system/update", nil))
	var st UpdateState
	if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil || rec.Code != 200 ||
		st.State != "unavailable" || st.Message != "rauc is not installed" {
		t.Fatalf("GET: %d %s (%v)", rec.Code, rec.Body, err)
	}

	rec = httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/api/system/update", bodyReadReader{t})
	req.Header.Set("Content-Type", "application/octet-stream")
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusServiceUnavailable || !bytes.Contains(rec.Body.Bytes(), []byte("rauc is not installed")) {
		t.Fatalf("POST: %d %s", rec.Code, rec.Body)
	}
	spoolEmpty(t, u.dir)
}
