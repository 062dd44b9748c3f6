// Package export turns a stored clip into a progressive MP4 that is built on
// the fly: the header (ftyp, moov with every sample table) is computed up
// front, the frame data is read lazily from the ring on each ReadAt, so the
// whole file has a known size, any byte range can be served (HTTP Range,
// seeking players), and memory use grows with the number of frames, never
// with the video's bytes.
package export

import (
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"skyguard/recorder/media"
)

// Limits that keep a bad sample table from turning into a huge allocation or
// a file no player opens.
const (
	// maxSamples bounds the header tables (about 20 bytes a frame): a week
	// of 25 fps video.
	maxSamples = 16 << 20
	// minSampleSize is one 4-byte NALU length plus a NALU header byte.
	minSampleSize = 5
	// maxSampleSize is far above any camera frame (a 4K I-frame is a few
	// MiB); anything larger is a corrupt table.
	maxSampleSize = 64 << 20
)

// Clip is a stored run of video as the ring hands it out for export.
type Clip struct {
	Params  media.Params   // one set of parameters for the whole clip
	Start   time.Time      // wall-clock time of the first sample
	Samples []media.Sample // in decode order, which is presentation order (no B-frames)
	Data    io.ReaderAt    // each sample's AVCC bytes at Sample.Off
}

// validate checks what the header is built from, so that a bad table is
// reported at NewMP4 and not as a broken file in a player.
func (c *Clip) validate() error {
	if c.Data == nil {
		return errors.New("no sample data source")
	}
	if len(c.Samples) == 0 {
		return errors.New("no samples")
	}
	if len(c.Samples) > maxSamples {
		return fmt.Errorf("%d samples, more than the %d an export may hold", len(c.Samples), maxSamples)
	}
	if !c.Samples[0].Key {
		return errors.New("first sample is not a keyframe")
	}
	var prev time.Duration
	var total time.Duration
	for i, s := range c.Samples {
		switch {
		case s.Size < minSampleSize:
			return fmt.Errorf("sample %d: size %d too small for a frame", i, s.Size)
		case s.Size > maxSampleSize:
			return fmt.Errorf("sample %d: size %d larger than %d", i, s.Size, maxSampleSize)
		case s.Off < 0 || s.Off > math.MaxInt64-int64(s.Size):
			return fmt.Errorf("sample %d: bad data offset %d", i, s.Off)
		case s.Dur < 0:
			return fmt.Errorf("sample %d: negative duration %v", i, s.Dur)
		case s.PTS < 0:
			return fmt.Errorf("sample %d: negative PTS %v", i, s.PTS)
		case i > 0 && s.PTS < prev:
			// Decode order equals presentation order in what we write
			// (no ctts): a PTS going back means B-frames or a broken table.
			return fmt.Errorf("sample %d: PTS %v before previous %v (B-frames are not supported)", i, s.PTS, prev)
		}
		if total > math.MaxInt64-s.Dur {
			return fmt.Errorf("sample %d: total duration overflows", i)
		}
		total += s.Dur
		prev = s.PTS
	}
	return nil
}
