package webui

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Errors a Recordings implementation wraps so the API can answer with the
// right status code.
var (
	ErrUnknownCamera = errors.New("unknown camera")
	ErrNotRecorded   = errors.New("nothing recorded in that range")
	ErrGone          = errors.New("recording was overwritten")
)

// Options configures the server.
type Options struct {
	Listen     string
	Status     StatusSource
	Recordings Recordings
	Events     Events
	Board      Board // nil: no /api/board
	Logger     *slog.Logger
	// MaxExport bounds one exported range: the sample table of a range is
	// held in memory while it is served.
	MaxExport time.Duration
	// Live, when set, registers the live view (WHEP) endpoints.
	Live interface{ Routes(mux *http.ServeMux) }
	// Updater runs firmware updates; nil answers 503 (api_system.go).
	Updater Updater
}

// Server serves the API and the pages.
type Server struct {
	opt Options
	log *slog.Logger
	mux *http.ServeMux
}

// New builds the server; Serve starts it.
func New(opt Options) *Server {
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.MaxExport <= 0 {
		opt.MaxExport = 6 * time.Hour
	}
	s := &Server{opt: opt, log: opt.Logger, mux: http.NewServeMux()}
	s.routes()
	return s
}

func (s *Server) routes() {
	s.mux.HandleFunc("GET /api/status", s.handleStatus)
	s.mux.HandleFunc("GET /api/cameras/{id}/recordings", s.handleRecordings)
	s.mux.HandleFunc("GET /api/cameras/{id}/export.mp4", s.handleExport)
	s.mux.HandleFunc("HEAD /api/cameras/{id}/export.mp4", s.handleExport)
	s.mux.HandleFunc("GET /api/events", s.handleEvents)
	s.mux.HandleFunc("GET /api/system/update", s.handleUpdateState)
	s.mux.HandleFunc("POST /api/system/update", s.handleUpdateUpload)
	s.mux.HandleFunc("GET /api/board", s.handleBoard)
	s.mux.HandleFunc("POST /api/board/buttons/{name}", s.handleBoardPress)
	s.mux.HandleFunc("GET /{$}", s.handleIndex)
	s.mux.HandleFunc("GET /live/{id}", s.handleLivePage)
	s.mux.HandleFunc("GET /static/whep.js", s.handleWHEPScript)
	if s.opt.Live != nil {
		s.opt.Live.Routes(s.mux)
	}
}

// Handler exposes the routes, for tests and for embedding.
func (s *Server) Handler() http.Handler { return s.mux }

// Serve listens and serves until ctx ends, then shuts down gracefully.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	s.log.Info("webui: serving", "addr", ln.Addr().String())
	err := srv.Serve(ln)
	<-done
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

type apiError struct {
	Error string `json:"error"`
}

func httpError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, apiError{Error: msg})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// errorStatus maps a store error to the status code the API answers with.
func errorStatus(err error) int {
	switch {
	case errors.Is(err, ErrUnknownCamera), errors.Is(err, ErrNotRecorded):
		return http.StatusNotFound
	case errors.Is(err, ErrGone):
		return http.StatusGone
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}
