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

// handleLivePage serves the live view of one camera; the page itself
// reads the camera id from its path and plays it with whep.js.
func (s *Server) handleLivePage(w http.ResponseWriter, r *http.Request) {
	s.serveStatic(w, "static/live.html", "text/html; charset=utf-8")
}

func (s *Server) handleWHEPScript(w http.ResponseWriter, r *http.Request) {
	s.serveStatic(w, "static/whep.js", "text/javascript; charset=utf-8")
}

func (s *Server) serveStatic(w http.ResponseWriter, name, ctype string) {
	b, err := static.ReadFile(name)
	if err != nil {
		httpError(w, http.StatusInternalServerError, "page missing from build")
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(b)
}
