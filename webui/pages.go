package webui

import (
	"embed"
	"net/http"
)

//go:embed static
var static embed.FS

func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) {
	b, err := static.ReadFile("static/index.html")
	if err != nil {
		httpError(w, http.StatusInternalServerError, "page missing from build")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(b)
}
