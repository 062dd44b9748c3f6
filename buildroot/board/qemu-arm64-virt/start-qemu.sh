#!/bin/sh
# Boots the qemu image built by skyguard_qemu_arm64_virt_defconfig, with the
# i6300esb watchdog the firmware expects. Run from output/images.
set -eu

IMAGES_DIR=${1:-.}
exec qemu-system-aarch64 \
	-M virt -cpu cortex-a53 -smp 2 -m 1024 -nographic \
	-kernel "${IMAGES_DIR}/Image" \
	-append "root=/dev/vda2 rootwait ro console=ttyAMA0" \
	-drive "file=${IMAGES_DIR}/sdcard.img,if=none,format=raw,id=hd0" \
	-device virtio-blk-device,drive=hd0 \
	-device i6300esb -action watchdog=reset \
	-netdev user,id=eth0,hostfwd=tcp:127.0.0.1:8080-:8080 \
	-device virtio-net-device,netdev=eth0
