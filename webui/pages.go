package webui

import (
	"embed"
	"fmt"
	"html"
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
	id := r.PathValue("id")
	if !s.knownCamera(id) {
		// A 200 page for a typo'd id would only fail later, in the
		// player, with a less clear message.
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNotFound)
		name := html.EscapeString(id)
		_, _ = fmt.Fprintf(w, "<!doctype html>\n<html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>404 未知摄像机 Unknown camera</title>\n"+
			"<p>未知摄像机 “%s”。 <span class=\"en\">Unknown camera “%s”.</span> <a href=\"/\">返回 Back</a></p>\n", name, name)
		return
	}
	s.serveStatic(w, "static/live.html", "text/html; charset=utf-8")
}

// knownCamera reports whether the box has the camera. Without a status
// source the server cannot tell and lets the page (and its WHEP 404) say so.
func (s *Server) knownCamera(id string) bool {
	if s.opt.Status == nil {
		return true
	}
	for _, c := range s.opt.Status.Status().Cameras {
		if c.ID == id {
			return true
		}
	}
	return false
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
