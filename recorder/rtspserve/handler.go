package rtspserve

import (
	"errors"

	"github.com/bluenviron/gortsplib/v5"
	"github.com/bluenviron/gortsplib/v5/pkg/base"
	"github.com/bluenviron/gortsplib/v5/pkg/liberrors"
)

// handler answers RTSP requests; a separate type keeps the gortsplib
// callbacks out of Server's public method set.
type handler struct{ s *Server }

// authorize checks the box's credentials when they are configured; a
// failure makes gortsplib answer 401 with basic and digest challenges.
func (h *handler) authorize(conn *gortsplib.ServerConn, req *base.Request) error {
	if h.s.opt.User == "" || conn.VerifyCredentials(req, h.s.opt.User, h.s.opt.Password) {
		return nil
	}
	return liberrors.ErrServerAuth{}
}

// status maps a lookup error to its RTSP answer.
func status(err error) *base.Response {
	if errors.Is(err, errNotFound) {
		return &base.Response{StatusCode: base.StatusNotFound}
	}
	return &base.Response{StatusCode: base.StatusServiceUnavailable}
}

// stream finds the feed of path and its current ServerStream.
func (h *handler) stream(path string) (*feed, *gortsplib.ServerStream, error) {
	f, err := h.s.feedFor(path)
	if err != nil {
		return nil, nil, err
	}
	if !h.s.online(f) {
		return nil, nil, errOffline
	}
	ss, err := f.serverStream()
	if err != nil {
		return nil, nil, err
	}
	return f, ss, nil
}

func (h *handler) OnDescribe(ctx *gortsplib.ServerHandlerOnDescribeCtx) (*base.Response, *gortsplib.ServerStream, error) {
	if err := h.authorize(ctx.Conn, ctx.Request); err != nil {
		return &base.Response{StatusCode: base.StatusUnauthorized}, nil, err
	}
	_, ss, err := h.stream(ctx.Path)
	if err != nil {
		h.s.log.Debug("rtsp re-serve: describe refused", "path", ctx.Path, "err", err)
		return status(err), nil, nil
	}
	return &base.Response{StatusCode: base.StatusOK}, ss, nil
}

func (h *handler) OnSetup(ctx *gortsplib.ServerHandlerOnSetupCtx) (*base.Response, *gortsplib.ServerStream, error) {
	if err := h.authorize(ctx.Conn, ctx.Request); err != nil {
		return &base.Response{StatusCode: base.StatusUnauthorized}, nil, err
	}
	f, ss, err := h.stream(ctx.Path)
	if err != nil {
		h.s.log.Debug("rtsp re-serve: setup refused", "path", ctx.Path, "err", err)
		return status(err), nil, nil
	}
	h.s.mu.Lock()
	prev := h.s.sessions[ctx.Session]
	h.s.sessions[ctx.Session] = f
	h.s.mu.Unlock()
	if prev != nil && prev != f {
		prev.remove(ctx.Session)
	}
	f.addReader(ctx.Session, ss)
	return &base.Response{StatusCode: base.StatusOK}, ss, nil
}

func (h *handler) OnPlay(ctx *gortsplib.ServerHandlerOnPlayCtx) (*base.Response, error) {
	if err := h.authorize(ctx.Conn, ctx.Request); err != nil {
		return &base.Response{StatusCode: base.StatusUnauthorized}, err
	}
	h.s.mu.Lock()
	f := h.s.sessions[ctx.Session]
	h.s.mu.Unlock()
	if f == nil {
		return &base.Response{StatusCode: base.StatusSessionNotFound}, nil
	}
	if !h.s.online(f) || !f.play(ctx.Session) {
		return &base.Response{StatusCode: base.StatusServiceUnavailable}, nil
	}
	h.s.log.Info("rtsp re-serve: reader playing", "path", f.path, "remote", ctx.Conn.NetConn().RemoteAddr().String())
	return &base.Response{StatusCode: base.StatusOK}, nil
}

func (h *handler) OnSessionClose(ctx *gortsplib.ServerHandlerOnSessionCloseCtx) {
	h.s.mu.Lock()
	f := h.s.sessions[ctx.Session]
	delete(h.s.sessions, ctx.Session)
	h.s.mu.Unlock()
	if f != nil && f.remove(ctx.Session) {
		h.s.log.Info("rtsp re-serve: reader left", "path", f.path, "err", ctx.Error)
	}
}
