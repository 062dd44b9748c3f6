#!/usr/bin/env bash
# Installs the tools the test suite uses when they are missing: Debian's
# ffmpeg (real encoders and ffprobe), GStreamer's RTSP server (a real RTSP
# peer we did not write), Chromium and Node.js (live view decoded in a real
# browser), qemu-user-static (the ARM firmware run for real)
# and shellcheck (the Buildroot tree's scripts). Nothing is assumed to be on
# the machine already.
set -euo pipefail

need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
if ! /usr/bin/python3 -c 'import gi; gi.require_version("GstRtspServer", "1.0"); from gi.repository import GstRtspServer' >/dev/null 2>&1; then
	need+=(python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-rtsp)
fi
if ! command -v gst-inspect-1.0 >/dev/null 2>&1 || ! gst-inspect-1.0 rtph265depay >/dev/null 2>&1 || ! gst-inspect-1.0 udpsrc >/dev/null 2>&1; then
	need+=(gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad)
fi
command -v qemu-aarch64-static >/dev/null 2>&1 || need+=(qemu-user-static)
command -v qemu-arm-static >/dev/null 2>&1 || need+=(qemu-user-static)
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
# Live view is checked in a real browser: Debian's Chromium, driven by
# playwright-core from npm (tools/livetest, installed by `make test-deps`).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)

if [ ${#need[@]} -eq 0 ]; then
	echo "test tools: all present"
	exit 0
fi

sudo=()
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo=(sudo -n)
	else
		echo "test tools missing (${need[*]}) and no root to install them: run 'sudo apt-get install ${need[*]}'" >&2
		exit 1
	fi
fi
echo "test tools: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
# Several checks can name one package: install each once.
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${need[@]}"
