package webui

import (
	"fmt"
	"net/http"

	"skyguard/recorder/export"
)

func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	from, to, err := parseRange(r.URL.Query(), s.opt.MaxExport)
	if err != nil {
		httpError(w, http.StatusBadRequest, err.Error())
		return
	}
	clip, err := s.opt.Recordings.Clip(r.Context(), id, from, to)
	if err != nil {
		httpError(w, errorStatus(err), err.Error())
		return
	}
	if err := probeClip(clip); err != nil {
		httpError(w, errorStatus(err), err.Error())
		return
	}
	m, err := export.NewMP4(export.Clip{Params: clip.Params, Start: clip.Start, Samples: clip.Samples, Data: clip.Data})
	if err != nil {
		httpError(w, http.StatusInternalServerError, fmt.Sprintf("export: %v", err))
		return
	}
	name := fmt.Sprintf("%s_%s.mp4", id, clip.Start.UTC().Format("20060102T150405Z"))
	w.Header().Set("Content-Type", "video/mp4")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	w.Header().Set("X-Recording-Start", clip.Start.Format("2006-01-02T15:04:05.000Z07:00"))
	// An export whose range reaches the present grows between requests:
	// the validators name its exact content, so a resumed download
	// (If-Range) never splices two different files.
	last := clip.Samples[len(clip.Samples)-1]
	end := clip.Start.Add(last.PTS + last.Dur)
	w.Header().Set("ETag", fmt.Sprintf("\"%x-%x-%x\"", clip.Start.UnixNano(), len(clip.Samples), m.Size()))
	// ServeContent gives Range, If-Range and HEAD for free; a slot reused
	// mid-stream surfaces as a read error that cuts the response short.
	http.ServeContent(w, r, name, end, m)
}

// probeClip reads one byte of the first and the last sample so that a range
// whose slots were already reused answers 410 before any header is sent.
func probeClip(c *Clip) error {
	if len(c.Samples) == 0 {
		return ErrNotRecorded
	}
	var b [1]byte
	for _, i := range []int{0, len(c.Samples) - 1} {
		sm := c.Samples[i]
		if sm.Size == 0 {
			continue
		}
		if _, err := c.Data.ReadAt(b[:], sm.Off); err != nil {
			return fmt.Errorf("read recorded frame %d: %w", i, err)
		}
	}
	return nil
}
