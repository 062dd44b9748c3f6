// whep.js: play a WHEP (WebRTC-HTTP Egress Protocol) endpoint in a <video>.
// Usage: const s = await whepPlay(videoElement, "/api/cameras/cam1/whep");
//        ... s.pc (RTCPeerConnection), await s.stop();
// Receive-only video; no trickle ICE: the offer is sent once gathering is
// done or after opts.gatherTimeoutMs (250 ms), and the box answers with all
// its candidates.
export async function whepPlay(video, url, opts = {}) {
  const pc = new RTCPeerConnection({ iceServers: opts.iceServers || [] });
  pc.addTransceiver("video", { direction: "recvonly" });
  pc.ontrack = (ev) => {
    video.srcObject = ev.streams && ev.streams[0] ? ev.streams[0] : new MediaStream([ev.track]);
    video.play().catch(() => {});
  };
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  // The box is reachable on its own candidates (it learns the browser's
  // address from the connectivity checks), so the offer waits only
  // briefly for the browser's candidates: a slow STUN server or an
  // idle network interface must not delay the picture.
  const gatherMs = opts.gatherTimeoutMs === undefined ? 250 : opts.gatherTimeoutMs;
  await new Promise((resolve) => {
    if (pc.iceGatheringState === "complete" || gatherMs <= 0) return resolve();
    const t = setTimeout(resolve, gatherMs);
    pc.addEventListener("icegatheringstatechange", () => {
      if (pc.iceGatheringState === "complete") { clearTimeout(t); resolve(); }
    });
  });
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/sdp" },
    body: pc.localDescription.sdp,
  });
  const text = await res.text();
  if (res.status !== 201) {
    pc.close();
    let msg = text;
    try { msg = JSON.parse(text).error || text; } catch (e) { /* plain text */ }
    const err = new Error(msg);
    err.status = res.status;
    throw err;
  }
  const location = new URL(res.headers.get("Location"), new URL(url, window.location.href)).toString();
  const stream = res.headers.get("X-Skyguard-Stream") || "";
  await pc.setRemoteDescription({ type: "answer", sdp: text });
  return {
    pc, location, stream,
    async stop() {
      pc.close();
      try { await fetch(location, { method: "DELETE" }); } catch (e) { /* box gone */ }
    },
  };
}
