package webui

import (
	"net/http"
	"strconv"
	"time"
)

// maxEvents bounds one events listing.
const maxEvents = 1000

func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	to := time.Now()
	from := to.Add(-7 * 24 * time.Hour)
	if q.Get("from") != "" || q.Get("to") != "" {
		var err error
		if from, to, err = parseRange(q, 0); err != nil {
			httpError(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	limit := 200
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxEvents {
			httpError(w, http.StatusBadRequest, "limit must be 1.."+strconv.Itoa(maxEvents))
			return
		}
		limit = n
	}
	evs, err := s.opt.Events.Events(r.Context(), from, to, limit)
	if err != nil {
		httpError(w, errorStatus(err), err.Error())
		return
	}
	if evs == nil {
		evs = []Event{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": from, "to": to, "events": evs})
}
