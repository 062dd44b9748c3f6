package fakecam

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bluenviron/gortsplib/v5"
	"github.com/bluenviron/gortsplib/v5/pkg/description"
	"github.com/bluenviron/gortsplib/v5/pkg/format"
	"github.com/pion/rtp"

	"skyguard/recorder/media"
)

// stream is one served path: a clip looped by a single pump goroutine that
// writes into a gortsplib ServerStream, which fans out to every reader.
type stream struct {
	path  string
	codec media.Codec
	fps   int
	aus   [][][]byte
	desc  *description.Session
	ss    *gortsplib.ServerStream
	log   *slog.Logger
	down  atomic.Bool
	encFn func([][]byte) ([]*rtp.Packet, error)
	audio *description.Media // the tone's media, or nil for video only

	mu       sync.Mutex
	sessions map[*gortsplib.ServerSession]struct{}
}

func newStream(srv *gortsplib.Server, path string, codec media.Codec, clip []byte, fps int, withAudio bool, log *slog.Logger) (*stream, error) {
	if fps <= 0 || fps > 240 {
		return nil, fmt.Errorf("fakecam: stream %s: fps %d out of range", path, fps)
	}
	aus, err := splitAccessUnits(codec, clip)
	if err != nil {
		return nil, fmt.Errorf("fakecam: stream %s: split clip: %w", path, err)
	}
	vps, sps, pps := firstParams(codec, aus)

	st := &stream{
		path:     path,
		codec:    codec,
		fps:      fps,
		aus:      aus,
		log:      log.With("path", path),
		sessions: map[*gortsplib.ServerSession]struct{}{},
	}
	var forma format.Format
	switch codec {
	case media.CodecH264:
		f := &format.H264{PayloadTyp: 96, PacketizationMode: 1, SPS: sps, PPS: pps}
		enc, err := f.CreateEncoder()
		if err != nil {
			return nil, fmt.Errorf("fakecam: stream %s: create RTP encoder: %w", path, err)
		}
		forma, st.encFn = f, enc.Encode
	case media.CodecH265:
		f := &format.H265{PayloadTyp: 96, VPS: vps, SPS: sps, PPS: pps}
		enc, err := f.CreateEncoder()
		if err != nil {
			return nil, fmt.Errorf("fakecam: stream %s: create RTP encoder: %w", path, err)
		}
		forma, st.encFn = f, enc.Encode
	}
	st.desc = &description.Session{Medias: []*description.Media{{
		Type:    description.MediaTypeVideo,
		Formats: []format.Format{forma},
	}}}
	if withAudio {
		st.audio = audioMedia()
		st.desc.Medias = append(st.desc.Medias, st.audio)
	}
	st.ss = &gortsplib.ServerStream{Server: srv, Desc: st.desc}
	if err := st.ss.Initialize(); err != nil {
		return nil, fmt.Errorf("fakecam: stream %s: initialize server stream: %w", path, err)
	}
	return st, nil
}

// pump sends the clip's frames on a fixed real-time schedule. The frame
// counter never resets, so RTP timestamps run on across loops exactly as a
// live camera's do. While the stream is down it keeps the schedule but
// sends nothing, like a camera whose link is cut.
func (st *stream) pump(ctx context.Context) {
	medi := st.desc.Medias[0]
	frameDur := time.Second / time.Duration(st.fps)
	tsBase := randUint32()
	pace(ctx, frameDur, func(n int64, due time.Time) {
		if st.down.Load() {
			return
		}
		au := st.aus[n%int64(len(st.aus))]
		pkts, err := st.encFn(au)
		if err != nil {
			st.log.Warn("fakecam: RTP encode failed", "frame", n, "err", err)
			return
		}
		ts := tsBase + uint32(n*90000/int64(st.fps))
		for _, p := range pkts {
			p.Timestamp = ts
			// The NTP time is the frame's scheduled capture time so sender
			// reports agree with the RTP clock.
			if err := st.ss.WritePacketRTPWithNTP(medi, p, due); err != nil {
				st.log.Debug("fakecam: write RTP packet", "err", err)
				break
			}
		}
	})
}

func (st *stream) addSession(s *gortsplib.ServerSession) {
	st.mu.Lock()
	st.sessions[s] = struct{}{}
	st.mu.Unlock()
}

func (st *stream) removeSession(s *gortsplib.ServerSession) {
	st.mu.Lock()
	delete(st.sessions, s)
	st.mu.Unlock()
}

// setDown flips the path; going down closes every session on it so that
// clients see a dropped camera rather than a silent one.
func (st *stream) setDown(down bool) {
	st.down.Store(down)
	if !down {
		return
	}
	st.mu.Lock()
	victims := make([]*gortsplib.ServerSession, 0, len(st.sessions))
	for s := range st.sessions {
		victims = append(victims, s)
	}
	st.mu.Unlock()
	for _, s := range victims {
		s.Close()
	}
}
