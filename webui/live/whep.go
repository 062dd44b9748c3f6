package live

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/pion/webrtc/v4"

	"skyguard/recorder/media"
	"skyguard/webui"
)

// maxOfferBytes bounds an SDP offer or trickle fragment; real ones are a
// few KiB.
const maxOfferBytes = 64 << 10

// Routes registers the WHEP endpoints on mux.
func (m *Manager) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/cameras/{id}/whep", m.handleOffer)
	mux.HandleFunc("DELETE /api/cameras/{id}/whep/{session}", m.handleDelete)
	mux.HandleFunc("PATCH /api/cameras/{id}/whep/{session}", m.handlePatch)
}

func apiError(w http.ResponseWriter, code int, format string, args ...any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if code == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "5")
	}
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(struct {
		Error string `json:"error"`
	}{fmt.Sprintf(format, args...)})
}

// readBody reads a bounded body of the given media type, answering the
// error itself when it returns false.
func readBody(w http.ResponseWriter, r *http.Request, want string) ([]byte, bool) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != want {
		apiError(w, http.StatusUnsupportedMediaType, "Content-Type must be %s, got %q", want, r.Header.Get("Content-Type"))
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxOfferBytes))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		apiError(w, http.StatusRequestEntityTooLarge, "body larger than %d bytes", maxOfferBytes)
		return nil, false
	case err != nil:
		apiError(w, http.StatusBadRequest, "reading the body: %v", err)
		return nil, false
	}
	return body, true
}

// handleOffer answers a WHEP offer: 201 with the SDP answer and the
// session's Location.
func (m *Manager) handleOffer(w http.ResponseWriter, r *http.Request) {
	camera := r.PathValue("id")
	body, ok := readBody(w, r, "application/sdp")
	if !ok {
		return
	}
	offers, err := parseOffer(body)
	if errors.Is(err, errNoVideo) {
		apiError(w, http.StatusUnprocessableEntity, "%v", err)
		return
	}
	if err != nil {
		apiError(w, http.StatusBadRequest, "%v", err)
		return
	}
	stream := r.URL.Query().Get("stream")
	switch stream {
	case "":
		stream = "main"
	case "main", "sub":
	default:
		apiError(w, http.StatusBadRequest, "stream must be main or sub, got %q", stream)
		return
	}
	h, err := m.opt.Source.Stream(camera, stream)
	if err != nil {
		// The source's error already names the camera (firmware/app
		// wraps it so); repeating it here doubled the name.
		if errors.Is(err, webui.ErrUnknownCamera) {
			apiError(w, http.StatusNotFound, "unknown camera %q", camera)
		} else {
			apiError(w, http.StatusNotFound, "%v", err)
		}
		return
	}
	p := h.Params()
	if p == nil || (m.opt.Online != nil && !m.opt.Online(camera, stream)) {
		apiError(w, http.StatusServiceUnavailable, "camera %q is offline: no %s stream from it yet", camera, stream)
		return
	}
	var o offered
	switch p.Codec {
	case media.CodecH264:
		if o, ok = chooseH264(offers, p.SPS); !ok {
			apiError(w, http.StatusUnprocessableEntity, "the camera sends H.264 but the browser's offer has no H.264 with packetization-mode=1")
			return
		}
	case media.CodecH265:
		if o, ok = chooseH265(offers); ok {
			break
		}
		// The browser cannot take H.265: serve the sub stream if it is H.264.
		var sp *media.Params
		if stream == "main" {
			if sh, err := m.opt.Source.Stream(camera, "sub"); err == nil {
				h, sp = sh, sh.Params()
			}
		}
		switch {
		case sp == nil && stream == "main" && h != nil && h.Params() == nil:
			apiError(w, http.StatusServiceUnavailable, "camera %q sends H.265, which this browser does not offer, and its H.264 sub stream is offline", camera)
			return
		case sp == nil || sp.Codec != media.CodecH264:
			apiError(w, http.StatusUnprocessableEntity, "camera %q sends H.265, which this browser does not offer, and has no H.264 sub stream to fall back to; the box never transcodes", camera)
			return
		}
		if o, ok = chooseH264(offers, sp.SPS); !ok {
			apiError(w, http.StatusUnprocessableEntity, "camera %q sends H.265 and its sub stream H.264, but the browser offers neither usable", camera)
			return
		}
		stream, p = "sub", sp
	default:
		apiError(w, http.StatusUnprocessableEntity, "camera %q sends %v, which live view does not serve", camera, p.Codec)
		return
	}

	s, err := m.reserve(camera)
	if err != nil {
		apiError(w, http.StatusServiceUnavailable, "%v", err)
		return
	}
	s.stream, s.codec = stream, p.Codec
	answer, err := m.negotiate(s, h, p.Codec, o, string(body))
	if err != nil {
		m.end(s, "negotiation failed")
		if errors.Is(err, errBadOffer) {
			apiError(w, http.StatusBadRequest, "%v", err)
		} else {
			apiError(w, http.StatusUnprocessableEntity, "%v", err)
		}
		return
	}
	m.log.Info("live: session started", "camera", camera, "stream", stream, "codec", p.Codec.String(), "session", s.id)
	w.Header().Set("Content-Type", "application/sdp")
	w.Header().Set("Location", "/api/cameras/"+camera+"/whep/"+s.id)
	w.Header().Set("X-Skyguard-Stream", stream)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(w, answer)
}

func (m *Manager) handleDelete(w http.ResponseWriter, r *http.Request) {
	s := m.lookup(r.PathValue("id"), r.PathValue("session"))
	if s == nil {
		apiError(w, http.StatusNotFound, "no such live session")
		return
	}
	m.end(s, "viewer left (DELETE)")
	w.WriteHeader(http.StatusOK)
}

// handlePatch takes trickled ICE candidates (RFC 8840 fragments); only the
// a=candidate lines are used, ICE restarts are not supported.
func (m *Manager) handlePatch(w http.ResponseWriter, r *http.Request) {
	s := m.lookup(r.PathValue("id"), r.PathValue("session"))
	if s == nil {
		apiError(w, http.StatusNotFound, "no such live session")
		return
	}
	body, ok := readBody(w, r, "application/trickle-ice-sdpfrag")
	if !ok {
		return
	}
	for _, line := range strings.Split(string(body), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "a=ice-ufrag:") && s.pc.RemoteDescription() != nil &&
			!strings.Contains(s.pc.RemoteDescription().SDP, line) {
			apiError(w, http.StatusUnprocessableEntity, "ICE restart is not supported: start a new session")
			return
		}
		if c, ok := strings.CutPrefix(line, "a=candidate:"); ok {
			if err := s.pc.AddICECandidate(webrtc.ICECandidateInit{Candidate: "candidate:" + c}); err != nil {
				apiError(w, http.StatusBadRequest, "bad candidate %q: %v", line, err)
				return
			}
		}
	}
	w.WriteHeader(http.StatusNoContent)
}
