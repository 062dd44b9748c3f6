package webui

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// Updater installs firmware bundles (firmware/update behind an adapter).
type Updater interface {
	UpdateState() UpdateState
	// StartUpdate begins installing an uploaded bundle file; on success
	// the updater owns (and later removes) the file. ErrUpdateBusy and
	// ErrUpdateUnavailable are wrapped as appropriate.
	StartUpdate(path string) error
	// UpdateSpool is where uploads are written (on the data disk, never
	// held in memory) and the largest bundle accepted.
	UpdateSpool() (dir string, maxBytes int64)
}

// Errors an Updater wraps.
var (
	ErrUpdateBusy        = errors.New("an update is already in progress")
	ErrUpdateUnavailable = errors.New("firmware updates are not available on this system")
)

// UpdateState is GET /api/system/update.
type UpdateState struct {
	// State is idle, verifying, installing, rebooting, confirming,
	// failed, or UpdateUnavailable (Message says why).
	State   string        `json:"state"`
	Percent int           `json:"percent"`
	Message string        `json:"message,omitempty"`
	Bundle  *UpdateBundle `json:"bundle,omitempty"`
	Since   time.Time     `json:"since"`
}

// UpdateBundle is what the verified bundle says about itself.
type UpdateBundle struct {
	Compatible string `json:"compatible"`
	Version    string `json:"version"`
}

// UpdateUnavailable is the State of an updater that cannot install at
// all (no rauc): uploads are refused before their body is read.
const UpdateUnavailable = "unavailable"

// Busy reports whether an update is under way.
func (u UpdateState) Busy() bool {
	switch u.State {
	case "verifying", "installing", "rebooting", "confirming":
		return true
	}
	return false
}

// uploadWindow is how long one bundle upload may take: bundles are
// hundreds of MiB and township uplinks are slow, far beyond the server's
// general read timeout.
const uploadWindow = 60 * time.Minute

func (s *Server) handleUpdateState(w http.ResponseWriter, r *http.Request) {
	if s.opt.Updater == nil {
		httpError(w, http.StatusServiceUnavailable, ErrUpdateUnavailable.Error())
		return
	}
	writeJSON(w, http.StatusOK, s.opt.Updater.UpdateState())
}

// handleUpdateUpload takes a bundle as the raw body or as the first file
// of a multipart form, streams it to the spool directory, and starts the
// update. TODO(auth): admin-only once users exist.
func (s *Server) handleUpdateUpload(w http.ResponseWriter, r *http.Request) {
	u := s.opt.Updater
	if u == nil {
		httpError(w, http.StatusServiceUnavailable, ErrUpdateUnavailable.Error())
		return
	}
	// Both checks come before the body is read: a bundle is hundreds of
	// MiB, not worth uploading and spooling only to be refused.
	st := u.UpdateState()
	if st.State == UpdateUnavailable {
		msg := ErrUpdateUnavailable.Error()
		if st.Message != "" {
			msg += ": " + st.Message
		}
		httpError(w, http.StatusServiceUnavailable, msg)
		return
	}
	if st.Busy() {
		httpError(w, http.StatusConflict, fmt.Sprintf("%s (%s)", ErrUpdateBusy, st.State))
		return
	}
	dir, maxBytes := u.UpdateSpool()
	if r.ContentLength > maxBytes+1<<20 {
		httpError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("bundle of %d bytes is larger than the %d allowed", r.ContentLength, maxBytes))
		return
	}
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(uploadWindow))
	// Multipart framing adds a little to the file itself.
	body := http.MaxBytesReader(w, r.Body, maxBytes+1<<20)
	src := io.Reader(body)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		mr, err := r.MultipartReader()
		if err != nil {
			httpError(w, http.StatusBadRequest, "read multipart upload: "+err.Error())
			return
		}
		for {
			p, err := mr.NextPart()
			if err != nil {
				httpError(w, http.StatusBadRequest, "multipart upload holds no file part (field \"bundle\")")
				return
			}
			if p.FileName() != "" || p.FormName() == "bundle" {
				src = p
				break
			}
		}
	}
	path, code, err := spoolUpload(dir, src, maxBytes)
	if err != nil {
		httpError(w, code, err.Error())
		return
	}
	if err := u.StartUpdate(path); err != nil {
		os.Remove(path)
		switch {
		case errors.Is(err, ErrUpdateBusy):
			httpError(w, http.StatusConflict, err.Error())
		case errors.Is(err, ErrUpdateUnavailable):
			httpError(w, http.StatusServiceUnavailable, err.Error())
		default:
			httpError(w, http.StatusInternalServerError, err.Error())
		}
		return
	}
	s.log.Info("webui: firmware bundle uploaded, update started", "remote", r.RemoteAddr)
	writeJSON(w, http.StatusAccepted, u.UpdateState())
}

// spoolUpload copies at most maxBytes of src into a new file in dir.
func spoolUpload(dir string, src io.Reader, maxBytes int64) (string, int, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", http.StatusInternalServerError, fmt.Errorf("spool upload: %w", err)
	}
	f, err := os.CreateTemp(dir, "upload-*.raucb")
	if err != nil {
		return "", http.StatusInternalServerError, fmt.Errorf("spool upload: %w", err)
	}
	path := filepath.Clean(f.Name())
	n, err := io.Copy(f, io.LimitReader(src, maxBytes+1))
	closeErr := f.Close()
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig) || n > maxBytes:
		os.Remove(path)
		return "", http.StatusRequestEntityTooLarge, fmt.Errorf("bundle is larger than the %d bytes allowed", maxBytes)
	case err != nil:
		os.Remove(path)
		return "", http.StatusBadRequest, fmt.Errorf("upload cut short after %d bytes: %w", n, err)
	case closeErr != nil:
		os.Remove(path)
		return "", http.StatusInternalServerError, fmt.Errorf("spool upload: %w", closeErr)
	case n == 0:
		os.Remove(path)
		return "", http.StatusBadRequest, errors.New("empty upload: send the .raucb bundle as the body or as a multipart file")
	}
	return path, 0, nil
}
