// Package live serves the box's cameras to browsers over WebRTC using WHEP
// (WebRTC-HTTP Egress Protocol): one POST with the browser's SDP offer
// answers with the box's SDP answer, a DELETE ends the session.
//
// Each camera stream is packetized into RTP once, however many viewers
// watch it, and fanned out to per-viewer bounded queues, each drained by
// its own writer goroutine: a slow viewer drops frames until the next
// keyframe and never holds up the camera, the recorder or other viewers.
// A new viewer first gets the GOP cached since the last keyframe, so the
// picture starts at once whatever the camera's GOP length. Video is passed
// through, never transcoded: H.264 to every browser, H.265 only to those
// that offer it (others fall back to the camera's H.264 sub stream).
// Audio is not served: ingest drops it.
//
// All peers share one UDP port (ICE UDP mux) and one TCP port (ICE-TCP),
// so a box behind a firewall or NAT needs only those two forwarded.
package live
