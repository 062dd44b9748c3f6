// Package e2e holds the end-to-end tests of the whole box: the real
// `skyguard` binary recording from a real RTSP peer (GStreamer's RTSP
// server fed by ffmpeg), killed and restarted, and its output checked by
// ffprobe and ffmpeg.
package e2e
