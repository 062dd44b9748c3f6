package webui

import (
	"net/http"
	"time"
)

// Gap is a stretch with no recording between two runs (camera down, disk
// fault, box off): shown, never hidden.
type Gap struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

type recordingsDoc struct {
	Camera string    `json:"camera"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	Runs   []Run     `json:"runs"`
	Gaps   []Gap     `json:"gaps"`
}

// maxListRange bounds a recordings listing; runs are few per day, so a
// month is cheap.
const maxListRange = 31 * 24 * time.Hour

func (s *Server) handleRecordings(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	from, to, err := parseRange(r.URL.Query(), maxListRange)
	if err != nil {
		httpError(w, http.StatusBadRequest, err.Error())
		return
	}
	runs, err := s.opt.Recordings.Runs(r.Context(), id, from, to)
	if err != nil {
		httpError(w, errorStatus(err), err.Error())
		return
	}
	writeJSON(w, http.StatusOK, recordingsDoc{Camera: id, From: from, To: to, Runs: nonNil(runs), Gaps: gaps(runs, from, to)})
}

// gaps lists the holes between runs inside [from, to].
func gaps(runs []Run, from, to time.Time) []Gap {
	out := []Gap{}
	cur := from
	for _, r := range runs {
		if r.Start.After(cur) {
			out = append(out, Gap{Start: cur, End: r.Start})
		}
		if r.End.After(cur) {
			cur = r.End
		}
	}
	if to.After(cur) {
		out = append(out, Gap{Start: cur, End: to})
	}
	return out
}

func nonNil(r []Run) []Run {
	if r == nil {
		return []Run{}
	}
	return r
}
