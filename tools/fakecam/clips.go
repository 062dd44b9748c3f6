package fakecam

import (
	_ "embed"
)

// The clips are embedded so the fake camera works from the single firmware
// binary with no files beside it. See clips/make-clips.sh for how they were made.
var (
	//go:embed clips/h264-1080p.h264
	clipH264Main []byte
	//go:embed clips/h264-d1.h264
	clipH264Sub []byte
	//go:embed clips/h265-1080p.h265
	clipH265Main []byte
)

// ClipFPS is the frame rate all bundled clips were encoded at.
const ClipFPS = 25

// ClipH264Main returns the 1920x1080 H.264 clip (Annex-B, 100 frames).
// The slice is shared: callers must not modify it.
func ClipH264Main() []byte { return clipH264Main }

// ClipH264Sub returns the 704x576 (D1) H.264 clip (Annex-B, 100 frames).
// The slice is shared: callers must not modify it.
func ClipH264Sub() []byte { return clipH264Sub }

// ClipH265Main returns the 1920x1080 H.265 clip (Annex-B, 100 frames).
// The slice is shared: callers must not modify it.
func ClipH265Main() []byte { return clipH265Main }
