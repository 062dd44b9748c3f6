#!/usr/bin/python3
"""A real third-party RTSP camera stand-in for end-to-end tests.

GStreamer's RTSP server re-serves RTP that an encoder sends to local UDP
ports, one mount per stream:

    serve.py --port 8554 --mount /h264=H264:5000 --mount /h265=H265:5002 \
             [--user U --password P]

Feed it with: ffmpeg -re -stream_loop -1 -i clip.mp4 -c copy -f rtp rtp://127.0.0.1:5000
Prints "ready <port>" on stdout once listening.
"""
import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def launch_line(codec, udp_port):
    c = codec.lower()
    caps = ("application/x-rtp,media=video,clock-rate=90000,"
            "encoding-name=%s,payload=96" % codec.upper())
    return ("( udpsrc port=%d caps=\"%s\" buffer-size=4194304 ! rtpjitterbuffer latency=50 ! "
            "rtp%sdepay ! %sparse config-interval=-1 ! "
            "rtp%spay name=pay0 pt=96 config-interval=-1 )" % (udp_port, caps, c, c, c))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--mount", action="append", required=True,
                    help="PATH=CODEC:UDPPORT, CODEC is H264 or H265")
    ap.add_argument("--user")
    ap.add_argument("--password")
    args = ap.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    mounts = server.get_mount_points()

    auth = None
    if args.user:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "user")
        basic = GstRtspServer.RTSPAuth.make_basic(args.user, args.password)
        auth.add_basic(basic, token)
        # Digest as well: cameras in the field use either.
        auth.add_digest(args.user, args.password, token)
        auth.set_supported_methods(GstRtspServer.RTSPAuthMethod.BASIC | GstRtspServer.RTSPAuthMethod.DIGEST)
        server.set_auth(auth)

    for m in args.mount:
        path, spec = m.split("=", 1)
        codec, port = spec.split(":", 1)
        f = GstRtspServer.RTSPMediaFactory()
        f.set_launch(launch_line(codec, int(port)))
        f.set_shared(True)
        if auth is not None:
            perms = GstRtspServer.RTSPPermissions()
            perms.add_permission_for_role("user", "media.factory.access", True)
            perms.add_permission_for_role("user", "media.factory.construct", True)
            f.set_permissions(perms)
        mounts.add_factory(path, f)

    if server.attach(None) == 0:
        print("cannot listen on port %d" % args.port, file=sys.stderr)
        return 1
    print("ready %d" % args.port, flush=True)
    GLib.MainLoop().run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
