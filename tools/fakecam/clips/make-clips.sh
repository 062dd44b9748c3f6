#!/bin/sh
# Regenerates the fake camera's clips with Debian's ffmpeg (libx264/libx265).
# Camera-like: 25 fps, GOP 50 (2 s), no B-frames, parameter sets repeated
# in band at every keyframe, raw Annex-B elementary streams, 4 s (100 frames).
# Run from anywhere: sh tools/fakecam/clips/make-clips.sh
set -eu
cd "$(dirname "$0")"

# Moving content: testsrc2 with a bouncing box and a noise layer, so the
# encoder has real motion to spend bits on.
src() {
	# $1 = size
	echo "testsrc2=size=$1:rate=25,drawbox=x='mod(t*300,iw-200)':y='ih/3+ih/4*sin(t*3)':w=200:h=150:color=yellow@0.8:t=fill,noise=alls=8:allf=t"
}

ffmpeg -v error -y -f lavfi -i "$(src 1920x1080)" -frames:v 100 -an \
	-c:v libx264 -profile:v main -pix_fmt yuv420p -preset veryfast \
	-b:v 3500k -maxrate 4000k -bufsize 4000k \
	-g 50 -keyint_min 50 -sc_threshold 0 -bf 0 \
	-x264-params "repeat-headers=1:scenecut=0:open-gop=0" \
	-f h264 h264-1080p.h264

ffmpeg -v error -y -f lavfi -i "$(src 704x576)" -frames:v 100 -an \
	-c:v libx264 -profile:v main -pix_fmt yuv420p -preset veryfast \
	-b:v 500k -maxrate 600k -bufsize 600k \
	-g 50 -keyint_min 50 -sc_threshold 0 -bf 0 \
	-x264-params "repeat-headers=1:scenecut=0:open-gop=0" \
	-f h264 h264-d1.h264

ffmpeg -v error -y -f lavfi -i "$(src 1920x1080)" -frames:v 100 -an \
	-c:v libx265 -pix_fmt yuv420p -preset ultrafast \
	-b:v 2000k -g 50 -keyint_min 50 -sc_threshold 0 -bf 0 \
	-x265-params "repeat-headers=1:keyint=50:min-keyint=50:scenecut=0:bframes=0:open-gop=0:log-level=error" \
	-f hevc h265-1080p.h265
