#!/bin/sh
# Builds a signed RAUC update bundle from a finished Buildroot build.
#   make-bundle.sh BOARD OUTPUT_DIR VERSION KEY CERT
# e.g. make-bundle.sh rpi4 ~/br-out v1.4.0 ~/keys/release.key.pem ~/keys/release.cert.pem
set -eu

if [ "$#" -ne 5 ]; then
	echo "usage: $0 BOARD OUTPUT_DIR VERSION KEY CERT" >&2
	exit 2
fi
BOARD=$1
OUT=$2
VERSION=$3
KEY=$4
CERT=$5
HERE=$(cd "$(dirname "$0")" && pwd)
RAUC=${OUT}/host/bin/rauc
BUILD=$(date -u +%Y%m%dT%H%M%SZ)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed -e "s|@COMPATIBLE@|skyguard-${BOARD}|" \
	-e "s|@VERSION@|${VERSION}|" \
	-e "s|@BUILD@|${BUILD}|" \
	"${HERE}/manifest.raucm.in" >"${work}/manifest.raucm"
cp "${OUT}/images/rootfs.ext4" "${work}/rootfs.ext4"

bundle=${OUT}/images/skyguard-${BOARD}-${VERSION}.raucb
rm -f "$bundle"
"$RAUC" bundle --cert="$CERT" --key="$KEY" "$work" "$bundle"
"$RAUC" info --keyring="${HERE}/keys/ca.cert.pem" "$bundle"
echo "bundle: $bundle"
