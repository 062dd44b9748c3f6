package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"skyguard/firmware/version"
	"skyguard/recorder/hub"
	"skyguard/recorder/ring"
	"skyguard/webui"
)

// Status assembles /api/status from the parts' own state reports.
func (a *App) Status() webui.Status {
	st := a.store.Stats()
	s := webui.Status{
		Box:     webui.BoxInfo{ID: a.cfg.Box.ID, Name: a.cfg.Box.Name, Township: a.cfg.Box.Township},
		Version: version.String(),
		Started: a.started,
		Storage: storageStatus(a.cfg.Storage.Path, st),
		Cameras: make([]webui.CameraStatus, 0, len(a.cams)),
		Disk:    a.diskStatus(),
		System:  a.systemStatus(),
	}
	for _, c := range a.cams {
		is := c.ingest.State()
		cs := webui.CameraStatus{
			ID: c.cfg.ID, Name: c.cfg.Name, URL: c.cfg.RedactedMain(),
			Status: is.Status, LastError: is.LastError, Since: is.Since,
			Codec: is.Codec, Width: is.Width, Height: is.Height, FPS: is.FPS,
			BitrateBps: is.BitrateBps, Frames: is.Frames, Bytes: is.Bytes, Reconnects: is.Reconnects,
			Transport: is.Transport, Note: is.Note, Audio: is.Audio, Recording: c.recording.Load(),
		}
		cs.LiveViewers, cs.LiveBps = a.Viewers(c.cfg.ID)
		if c.subIngest != nil {
			ss := c.subIngest.State()
			cs.Sub = &webui.StreamStatus{Status: ss.Status, LastError: ss.LastError, Codec: ss.Codec, Width: ss.Width, Height: ss.Height, FPS: ss.FPS, BitrateBps: ss.BitrateBps}
		}
		if ns := c.lastWritten.Load(); ns != 0 {
			t := time.Unix(0, ns)
			cs.LastWritten = &t
		}
		s.Cameras = append(s.Cameras, cs)
	}
	return s
}

func storageStatus(path string, st ring.Stats) webui.StorageStatus {
	out := webui.StorageStatus{
		Path: path, Capacity: st.Capacity, Used: st.Used, Slots: st.Slots,
		FreeSlots: st.FreeSlots, BytesWritten: uint64(st.BytesWritten), Syncs: uint64(st.Syncs), Fault: st.Fault, State: "ok",
	}
	if st.Fault != "" {
		out.State = "fault"
	}
	if !st.Oldest.IsZero() && !st.Newest.IsZero() {
		o, n := st.Oldest, st.Newest
		out.Oldest, out.Newest = &o, &n
		// Retention: the span held so far, scaled to a full ring.
		if span := n.Sub(o); span > 0 && st.Used > 0 && st.Capacity > 0 {
			out.RetainedDays = span.Hours() / 24 * float64(st.Capacity) / float64(st.Used)
		}
	}
	return out
}

// Runs implements webui.Recordings.
func (a *App) Runs(ctx context.Context, camera string, from, to time.Time) ([]webui.Run, error) {
	if _, ok := a.byID[camera]; !ok {
		return nil, fmt.Errorf("camera %q: %w", camera, webui.ErrUnknownCamera)
	}
	runs, err := a.store.Runs(camera, from, to)
	if err != nil {
		return nil, mapStoreErr(err)
	}
	out := make([]webui.Run, 0, len(runs))
	for _, r := range runs {
		out = append(out, webui.Run{Start: r.Start, End: r.End, Codec: r.Codec.String(), Width: r.Width, Height: r.Height})
	}
	return out, nil
}

// Clip implements webui.Recordings.
func (a *App) Clip(ctx context.Context, camera string, from, to time.Time) (*webui.Clip, error) {
	if _, ok := a.byID[camera]; !ok {
		return nil, fmt.Errorf("camera %q: %w", camera, webui.ErrUnknownCamera)
	}
	c, err := a.store.Clip(camera, from, to)
	if err != nil {
		return nil, mapStoreErr(err)
	}
	return &webui.Clip{Params: c.Params, Start: c.Start, Samples: c.Samples, Data: goneMapper{c.Data}}, nil
}

// mapStoreErr turns the ring's sentinels into the API's, keeping the text.
func mapStoreErr(err error) error {
	switch {
	case errors.Is(err, ring.ErrNotFound):
		return fmt.Errorf("%w: %v", webui.ErrNotRecorded, err)
	case errors.Is(err, ring.ErrGone):
		return fmt.Errorf("%w: %v", webui.ErrGone, err)
	}
	return err
}

// goneMapper lets the API recognise a slot reused under a reader.
type goneMapper struct{ r io.ReaderAt }

func (g goneMapper) ReadAt(p []byte, off int64) (int, error) {
	n, err := g.r.ReadAt(p, off)
	if err != nil && err != io.EOF {
		err = mapStoreErr(err)
	}
	return n, err
}

// Events implements webui.Events.
func (a *App) Events(ctx context.Context, from, to time.Time, limit int) ([]webui.Event, error) {
	evs, err := a.store.Events(from, to, limit)
	if err != nil {
		return nil, err
	}
	out := make([]webui.Event, 0, len(evs))
	for _, e := range evs {
		out = append(out, webui.Event{Time: e.Time, Kind: e.Kind, Camera: e.Camera, Message: e.Message})
	}
	return out, nil
}

// Stream returns the hub of a camera's "main" or "sub" stream: the one
// source every live viewer and re-served stream of it reads from.
func (a *App) Stream(camera, stream string) (*hub.Hub, error) {
	c, ok := a.byID[camera]
	if !ok {
		return nil, fmt.Errorf("camera %q: %w", camera, webui.ErrUnknownCamera)
	}
	switch stream {
	case "", "main":
		return c.hub, nil
	case "sub":
		if c.sub == nil {
			return nil, fmt.Errorf("camera %q has no sub stream configured: %w", camera, ErrNoStream)
		}
		return c.sub, nil
	}
	return nil, fmt.Errorf("camera %q: stream %q is neither main nor sub: %w", camera, stream, ErrNoStream)
}

// ErrNoStream is a stream the camera does not have.
var ErrNoStream = errors.New("no such stream")
