package webui

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"skyguard/board/button"
)

// Errors a Board wraps so the API answers 404 and 409.
var (
	ErrUnknownButton = errors.New("unknown button")
	ErrRealButtons   = errors.New("the board has real buttons")
)

// MaxPress bounds a simulated press, as the simulator does.
const MaxPress = time.Minute

// minPress is the shortest press the button debounce takes; a shorter one
// would be accepted and then silently dropped as a bounce.
func minPress() time.Duration { return button.Defaults.Debounce }

func (s *Server) handleBoard(w http.ResponseWriter, r *http.Request) {
	if s.opt.Board == nil {
		httpError(w, http.StatusNotFound, "no front panel")
		return
	}
	writeJSON(w, http.StatusOK, s.opt.Board.BoardSnapshot())
}

// handleBoardPress presses a button of the simulated board: the duration
// comes from {"duration_ms": N} or ?duration=10.5s (or plain milliseconds).
func (s *Server) handleBoardPress(w http.ResponseWriter, r *http.Request) {
	if s.opt.Board == nil {
		httpError(w, http.StatusNotFound, "no front panel")
		return
	}
	d, err := pressDuration(r)
	if err != nil {
		httpError(w, http.StatusBadRequest, err.Error())
		return
	}
	name := r.PathValue("name")
	switch err := s.opt.Board.PressButton(name, d); {
	case errors.Is(err, ErrUnknownButton):
		httpError(w, http.StatusNotFound, err.Error())
		return
	case errors.Is(err, ErrRealButtons):
		httpError(w, http.StatusConflict, err.Error())
		return
	case err != nil:
		httpError(w, http.StatusInternalServerError, err.Error())
		return
	}
	s.log.Info("webui: button pressed on the simulated board", "button", name, "duration", d)
	writeJSON(w, http.StatusOK, s.opt.Board.BoardSnapshot())
}

func pressDuration(r *http.Request) (time.Duration, error) {
	var d time.Duration
	if q := r.URL.Query().Get("duration"); q != "" {
		if ms, err := strconv.ParseInt(q, 10, 64); err == nil {
			d = time.Duration(ms) * time.Millisecond
		} else if d, err = time.ParseDuration(q); err != nil {
			return 0, fmt.Errorf("bad duration %q: want e.g. 300ms, 10.5s or milliseconds", q)
		}
	} else {
		var body struct {
			DurationMS *float64 `json:"duration_ms"`
		}
		dec := json.NewDecoder(io.LimitReader(r.Body, 4096))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&body); err != nil {
			return 0, fmt.Errorf("bad body: want {\"duration_ms\": N}: %v", err)
		}
		if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
			return 0, errors.New("bad body: trailing data after the JSON object")
		}
		if body.DurationMS == nil {
			return 0, errors.New("missing duration_ms")
		}
		ms := *body.DurationMS
		if ms != ms || ms <= 0 || ms > float64(MaxPress/time.Millisecond) {
			return 0, fmt.Errorf("duration_ms %v out of range (0, %d]", ms, MaxPress/time.Millisecond)
		}
		d = time.Duration(ms * float64(time.Millisecond))
	}
	if d <= 0 || d > MaxPress {
		return 0, fmt.Errorf("duration %v out of range (0, %v]", d, MaxPress)
	}
	if min := minPress(); d < min {
		return 0, fmt.Errorf("duration %v is shorter than the button debounce: at least %d ms", d, min.Milliseconds())
	}
	return d, nil
}
