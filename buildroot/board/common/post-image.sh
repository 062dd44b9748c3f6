#!/bin/sh
# Post-image for every Skyguard board: lays out the disk image from the
# board's genimage.cfg. Called by Buildroot as: post-image.sh BINARIES_DIR BOARD
set -eu

BINARIES_DIR=$1
BOARD_NAME=$2
BOARD_DIR=$(cd "$(dirname "$0")/../${BOARD_NAME}" && pwd)
GENIMAGE_CFG=${BOARD_DIR}/genimage.cfg
GENIMAGE_TMP=${BUILD_DIR:?BUILD_DIR is set by Buildroot}/genimage.tmp
GENIMAGE_ROOT=$(mktemp -d)
trap 'rm -rf "${GENIMAGE_ROOT}"' EXIT

# The board may ship files for its boot partition (the Pi's config.txt and
# cmdline.txt come from rpi-firmware; qemu has none).
if [ -x "${BOARD_DIR}/post-image.sh" ]; then
	"${BOARD_DIR}/post-image.sh" "${BINARIES_DIR}"
fi

rm -rf "${GENIMAGE_TMP}"
"${HOST_DIR:?HOST_DIR is set by Buildroot}/bin/genimage" \
	--rootpath "${GENIMAGE_ROOT}" \
	--tmppath "${GENIMAGE_TMP}" \
	--inputpath "${BINARIES_DIR}" \
	--outputpath "${BINARIES_DIR}" \
	--config "${GENIMAGE_CFG}"

# Checksums let the flashing instructions verify the copy on the laptop.
(cd "${BINARIES_DIR}" && sha256sum sdcard.img rootfs.ext4 > SHA256SUMS)
