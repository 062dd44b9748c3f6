package webui

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"skyguard/board/sim"
)

// simBoard adapts the real simulator the way the app's adapter does.
type simBoard struct {
	b    *sim.Board
	real bool
}

func (s simBoard) BoardSnapshot() any { return s.b.Snapshot() }

func (s simBoard) PressButton(name string, d time.Duration) error {
	if s.real {
		return fmt.Errorf("press %s: %w", name, ErrRealButtons)
	}
	err := s.b.Press(name, d)
	if errors.Is(err, sim.ErrUnknown) {
		return fmt.Errorf("press %s: %w", name, ErrUnknownButton)
	}
	return err
}

func boardServer(real bool) (*sim.Board, http.Handler) {
	b := sim.New([]string{"status", "rec"}, []string{"reset"})
	s := New(Options{Status: &fakeStore{}, Events: &fakeStore{}, Recordings: &fakeStore{}, Board: simBoard{b, real}})
	return b, s.Handler()
}

func do(h http.Handler, method, url, body string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, url, strings.NewReader(body)))
	return rec
}

func TestBoardPressAndSnapshot(t *testing.T) {
	b, h := boardServer(false)
	rec := do(h, "POST", "/api/board/buttons/reset", `{"duration_ms": 10500}`)
	if rec.Code != 200 {
		t.Fatalf("press: %d %s", rec.Code, rec.Body)
	}
	var snap struct {
		ClockMS int64 `json:"clock_ms"`
		Buttons map[string]struct {
			LastEvent *struct {
				Kind   string `json:"kind"`
				HeldMS *int64 `json:"held_ms"`
			} `json:"last_event"`
		} `json:"buttons"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &snap); err != nil {
		t.Fatal(err)
	}
	ev := snap.Buttons["reset"].LastEvent
	if ev == nil || ev.Kind != "long-press" || snap.ClockMS < 10500 {
		t.Fatalf("after a 10.5 s press: %+v clock %d", ev, snap.ClockMS)
	}
	// A long press reports the 10 s long-press time, in milliseconds.
	if ev.HeldMS == nil || *ev.HeldMS != 10000 {
		t.Fatalf("held_ms after a 10.5 s press: %v; body %s", ev.HeldMS, rec.Body)
	}
	if rec := do(h, "POST", "/api/board/buttons/reset?duration=300ms", ""); rec.Code != 200 {
		t.Fatalf("query press: %d %s", rec.Code, rec.Body)
	}
	if got := b.Snapshot().Buttons["reset"].LastEvent.Kind.String(); got != "short-press" {
		t.Fatalf("after a 300 ms press: %s", got)
	}
	rec = do(h, "GET", "/api/board", "")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"status": "off"`) {
		t.Fatalf("snapshot: %d %s", rec.Code, rec.Body)
	}
}

func TestBoardPressErrors(t *testing.T) {
	_, h := boardServer(false)
	for _, tc := range []struct {
		url, body string
		code      int
		want      string
	}{
		{"/api/board/buttons/power", `{"duration_ms": 100}`, 404, ""},
		{"/api/board/buttons/reset", `{"duration_ms": -5}`, 400, ""},
		{"/api/board/buttons/reset", `{"duration_ms": 0}`, 400, ""},
		{"/api/board/buttons/reset", `{"duration_ms": 600000}`, 400, ""},
		{"/api/board/buttons/reset", `{}`, 400, ""},
		{"/api/board/buttons/reset", `{"duration_ms": "1s"}`, 400, ""},
		{"/api/board/buttons/reset", `{"duration": 100}`, 400, ""},
		{"/api/board/buttons/reset", `not json`, 400, ""},
		{"/api/board/buttons/reset?duration=soon", ``, 400, ""},
		{"/api/board/buttons/reset?duration=-1s", ``, 400, ""},
		{"/api/board/buttons/reset?duration=2h", ``, 400, ""},
		{"/api/board/buttons/reset", `{"duration_ms": 29}`, 400, "at least 30 ms"},
		{"/api/board/buttons/reset", `{"duration_ms": 0.5}`, 400, "at least 30 ms"},
		{"/api/board/buttons/reset?duration=10ms", ``, 400, "at least 30 ms"},
		{"/api/board/buttons/reset?duration=5", ``, 400, "at least 30 ms"},
		{"/api/board/buttons/reset", `{"duration_ms": 100} {"duration_ms": 200}`, 400, "trailing data"},
		{"/api/board/buttons/reset", `{"duration_ms": 100} x`, 400, "trailing data"},
		{"/api/board/buttons/reset", `{"duration_ms": 30}` + "\n", 200, "short-press"},
		{"/api/board/buttons/reset?duration=30ms", ``, 200, "short-press"},
	} {
		rec := do(h, "POST", tc.url, tc.body)
		if rec.Code != tc.code || !strings.Contains(rec.Body.String(), tc.want) {
			t.Errorf("%s %s: %d %s, want %d containing %q", tc.url, tc.body, rec.Code, rec.Body, tc.code, tc.want)
		}
	}
	if rec := do(h, "GET", "/api/board/buttons/reset", ""); rec.Code != 405 {
		t.Errorf("GET on a button: %d", rec.Code)
	}
	_, real := boardServer(true)
	if rec := do(real, "POST", "/api/board/buttons/reset", `{"duration_ms": 100}`); rec.Code != 409 {
		t.Errorf("gpio board: %d", rec.Code)
	}
	none := New(Options{Status: &fakeStore{}, Events: &fakeStore{}, Recordings: &fakeStore{}}).Handler()
	if rec := do(none, "GET", "/api/board", ""); rec.Code != 404 {
		t.Errorf("no board: %d", rec.Code)
	}
}
