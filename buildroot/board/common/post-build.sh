#!/bin/sh
# Post-build for every Skyguard board: runs after the rootfs overlay is
# copied, with the target directory as $1.
set -eu

TARGET_DIR=$1

# Mount points of the read-only root must exist in the image itself.
mkdir -p "${TARGET_DIR}/data"

# RAUC needs the compatible string of the board at run time; the board's
# system.conf is chosen by BOARD_NAME (second post-build argument).
BOARD_NAME=${2:-}
if [ -n "$BOARD_NAME" ]; then
	RAUC_DIR=$(dirname "$0")/rauc
	install -D -m 0644 "${RAUC_DIR}/system-${BOARD_NAME}.conf" "${TARGET_DIR}/etc/rauc/system.conf"
	if [ -f "${RAUC_DIR}/keys/ca.cert.pem" ]; then
		install -D -m 0644 "${RAUC_DIR}/keys/ca.cert.pem" "${TARGET_DIR}/etc/rauc/ca.cert.pem"
	else
		echo "post-build: WARNING: ${RAUC_DIR}/keys/ca.cert.pem missing, the image cannot verify update bundles" >&2
	fi
	if [ -f "${RAUC_DIR}/rauc-bootloader-${BOARD_NAME}.sh" ]; then
		install -D -m 0755 "${RAUC_DIR}/rauc-bootloader-${BOARD_NAME}.sh" "${TARGET_DIR}/usr/lib/rauc/bootloader-custom-backend"
	fi
fi

# The box keeps its clock with chrony; a read-only /etc cannot hold the
# drift file, so keep it on /data.
if [ -f "${TARGET_DIR}/etc/chrony.conf" ]; then
	sed -i 's|^driftfile .*|driftfile /data/chrony/drift|' "${TARGET_DIR}/etc/chrony.conf"
fi
