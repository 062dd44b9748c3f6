package ingest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/bluenviron/gortsplib/v5"
	"github.com/bluenviron/gortsplib/v5/pkg/base"
	"github.com/bluenviron/gortsplib/v5/pkg/description"
	"github.com/bluenviron/gortsplib/v5/pkg/format"
	"github.com/pion/rtp"

	"skyguard/recorder/media"
)

// errNoFrames is reported when a connected camera goes silent.
var errNoFrames = errors.New("no frame received")

// video is the chosen media of a session and its depacketizer.
type video struct {
	medi   *description.Media
	forma  format.Format
	codec  media.Codec
	decode func(*rtp.Packet) ([][]byte, error)
	asm    *assembler
}

// session runs one RTSP connection until it fails or ctx ends. It returns
// how long frames flowed, so the caller can tell a healthy session from a
// flapping one.
func (c *Camera) session(ctx context.Context, u *base.URL) (streamed time.Duration, err error) {
	client := &gortsplib.Client{
		Scheme:      u.Scheme,
		Host:        u.Host,
		ReadTimeout: max(c.cfg.NoFrameTimeout, 2*time.Second),
	}
	switch c.cfg.Transport {
	case "tcp":
		p := gortsplib.ProtocolTCP
		client.Protocol = &p
	case "udp":
		p := gortsplib.ProtocolUDP
		client.Protocol = &p
	}
	if err := client.Start(); err != nil {
		return 0, fmt.Errorf("start RTSP client: %w", err)
	}
	// Close on ctx end unblocks a DESCRIBE/SETUP stuck on a silent server.
	stop := context.AfterFunc(ctx, client.Close)
	defer func() {
		stop()
		client.Close()
	}()

	desc, _, err := client.Describe(u)
	if err != nil {
		return 0, fmt.Errorf("describe %s: %w", redact(u), err)
	}
	v, note, err := pickVideo(desc)
	if err != nil {
		return 0, fmt.Errorf("describe %s: %w", redact(u), err)
	}
	a, audioNotes := pickAudio(desc)
	as, wantAudio := c.sink.(AudioSink)
	if !wantAudio && a != nil {
		audioNotes = append(audioNotes, fmt.Sprintf("audio %s not passed on (nothing takes audio)", a.codec))
		a = nil
	}
	note = joinNotes(append([]string{note}, audioNotes...))
	c.tr.update(func(s *State) { s.Codec, s.Note = v.codec.String(), note })
	if note != "" {
		c.log.Info("ingest: ignoring media", "note", note)
	}
	if _, err := client.Setup(desc.BaseURL, v.medi, 0, 0); err != nil {
		return 0, fmt.Errorf("setup %s: %w", redact(u), err)
	}
	if a != nil {
		// Audio is an extra: a camera refusing its SETUP still records.
		if _, err := client.Setup(desc.BaseURL, a.medi, 0, 0); err != nil {
			c.log.Warn("ingest: audio setup failed, video only", "err", err)
			a = nil
		}
	}
	if a != nil {
		c.tr.update(func(s *State) { s.Audio = a.codec.String() })
		client.OnPacketRTP(a.medi, a.forma, func(pkt *rtp.Packet) {
			pts, ok := client.PacketPTS(a.medi, pkt)
			if !ok || len(pkt.Payload) == 0 {
				return
			}
			// The payload's buffer belongs to the RTP reader; consumers
			// keep packets in queues.
			as.WriteAudio(&media.AudioPacket{
				Codec:   a.codec,
				PTS:     ticksToDurAt(pts, g711Rate),
				Payload: append([]byte(nil), pkt.Payload...),
			})
		})
	} else {
		c.tr.update(func(s *State) { s.Audio = "" })
	}

	var (
		mu        sync.Mutex // guards the fields below between callback and watchdog
		lastFrame = time.Now()
		firstAt   time.Time
	)
	tl := timeline{}
	var lastPTS int64
	var havePTS bool
	client.OnPacketRTP(v.medi, v.forma, func(pkt *rtp.Packet) {
		pts, ok := client.PacketPTS(v.medi, pkt)
		if ok {
			lastPTS, havePTS = pts, true
		}
		nalus, err := v.decode(pkt)
		if err != nil || !havePTS {
			return // more packets needed, or loss mid-frame: the decoder resyncs
		}
		f, ok := v.asm.push(nalus)
		if !ok {
			return
		}
		now := time.Now()
		ntp, ntpOK := client.PacketNTP(v.medi, pkt)
		rel, wall, newRun := tl.place(ticksToDur(lastPTS), now, ntp, ntpOK)
		if newRun && !f.key {
			// A time-base jump mid-GOP: the run must start on a keyframe.
			tl.reset()
			v.asm.gotKey = false
			return
		}
		au := &media.AccessUnit{
			Params: f.params,
			PTS:    rel,
			Wall:   wall,
			Key:    f.key,
			NewRun: newRun,
			NALUs:  f.nalus,
		}
		mu.Lock()
		lastFrame = now
		first := firstAt.IsZero()
		if first {
			firstAt = now
		}
		mu.Unlock()
		if first {
			c.tr.update(func(s *State) {
				s.Width, s.Height = f.params.Width, f.params.Height
			})
			c.tr.setStatus(StatusStreaming, nil)
		} else if au.Params != v.asm.lastReported {
			c.tr.update(func(s *State) { s.Width, s.Height = f.params.Width, f.params.Height })
		}
		v.asm.lastReported = au.Params
		c.tr.frame(now, f.size)
		c.sink.WriteAccessUnit(au)
	})

	if _, err := client.Play(nil); err != nil {
		return 0, fmt.Errorf("play %s: %w", redact(u), err)
	}
	if tp := client.Transport(); tp != nil && tp.Session != nil {
		proto := "udp"
		if tp.Session.Protocol == gortsplib.ProtocolTCP {
			proto = "tcp"
		}
		c.tr.update(func(s *State) { s.Transport = proto })
	}

	waitErr := make(chan error, 1)
	go func() { waitErr <- client.Wait() }()
	tick := time.NewTicker(min(c.cfg.NoFrameTimeout/4, time.Second))
	defer tick.Stop()
	streamedFor := func() time.Duration {
		mu.Lock()
		defer mu.Unlock()
		if firstAt.IsZero() {
			return 0
		}
		return lastFrame.Sub(firstAt)
	}
	for {
		select {
		case <-ctx.Done():
			return streamedFor(), ctx.Err()
		case err := <-waitErr:
			return streamedFor(), fmt.Errorf("stream %s: %w", redact(u), err)
		case <-tick.C:
			mu.Lock()
			silent := time.Since(lastFrame)
			mu.Unlock()
			if silent > c.cfg.NoFrameTimeout {
				return streamedFor(), fmt.Errorf("stream %s: %w for %v", redact(u), errNoFrames, silent.Round(time.Millisecond))
			}
		}
	}
}

// pickVideo takes the first H.264 or H.265 video media.
func pickVideo(desc *description.Session) (*video, string, error) {
	var v *video
	var ignored []string
	for _, m := range desc.Medias {
		for _, f := range m.Formats {
			if v != nil {
				break
			}
			switch f := f.(type) {
			case *format.H264:
				dec, err := f.CreateDecoder()
				if err != nil {
					return nil, "", fmt.Errorf("create H264 RTP decoder: %w", err)
				}
				v = &video{medi: m, forma: f, codec: media.CodecH264,
					decode: func(p *rtp.Packet) ([][]byte, error) { return dec.Decode(p) },
					asm:    newAssembler(media.CodecH264, nil, f.SPS, f.PPS)}
			case *format.H265:
				dec, err := f.CreateDecoder()
				if err != nil {
					return nil, "", fmt.Errorf("create H265 RTP decoder: %w", err)
				}
				v = &video{medi: m, forma: f, codec: media.CodecH265,
					decode: func(p *rtp.Packet) ([][]byte, error) { return dec.Decode(p) },
					asm:    newAssembler(media.CodecH265, f.VPS, f.SPS, f.PPS)}
			}
		}
		if m.Type == description.MediaTypeAudio && v != nil {
			continue // audio is pickAudio's to describe
		}
		if v == nil || v.medi != m {
			for _, f := range m.Formats {
				ignored = append(ignored, fmt.Sprintf("%s %s", m.Type, f.Codec()))
			}
		}
	}
	if v == nil {
		return nil, "", fmt.Errorf("no H264/H265 video in %d media (%s)", len(desc.Medias), strings.Join(ignored, ", "))
	}
	note := ""
	if len(ignored) > 0 {
		note = "ignored: " + strings.Join(ignored, ", ")
	}
	return v, note, nil
}

// joinNotes joins the non-empty notes.
func joinNotes(notes []string) string {
	var out []string
	for _, n := range notes {
		if n != "" {
			out = append(out, n)
		}
	}
	return strings.Join(out, "; ")
}

// ticksToDur converts 90 kHz ticks without overflowing at large values.
func ticksToDur(t int64) time.Duration {
	const rate = 90000
	return time.Duration(t/rate)*time.Second + time.Duration(t%rate)*time.Second/rate
}

// redact keeps credentials out of errors and logs.
func redact(u *base.URL) string {
	c := *u
	c.User = nil
	return c.String()
}
