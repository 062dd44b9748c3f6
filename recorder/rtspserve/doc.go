// Package rtspserve re-serves each camera's streams over RTSP from the box
// (rtsp://box:8554/{camera}/main and /{camera}/sub), so that an NVR, a VLC
// or the county's own recorder can pull them without the camera being
// reached a second time: every reader is fed from the same ingest through
// the camera's hub.
//
// One hub subscription feeds each re-served stream while it has readers.
// Frames are packetized once and handed to each reader's own bounded write
// queue (gortsplib's per-session queue), so a stalled reader only loses its
// own frames, resuming at the next keyframe, and never holds up the camera,
// the recorder or the other readers. A new reader starts at a keyframe: it
// first gets the current GOP from its keyframe, then the live frames.
package rtspserve
