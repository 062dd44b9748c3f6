#!/bin/sh
# RAUC custom bootloader backend for the Raspberry Pi 4 (one shared boot
# partition). The primary slot is the root= in cmdline.txt; slot states are
# kept on /data because the boot partition is only touched to switch.
#   get-primary | set-primary A|B | get-state A|B | set-state A|B good|bad | get-current
set -eu

BOOT_DEV=/dev/mmcblk0p1
STATE_DIR=/data/rauc/bootstate

dev_of() {
	case "$1" in
		A) echo /dev/mmcblk0p2 ;;
		B) echo /dev/mmcblk0p3 ;;
		*)
			echo "unknown slot $1" >&2
			exit 1
			;;
	esac
}

name_of() {
	case "$1" in
		/dev/mmcblk0p2) echo A ;;
		/dev/mmcblk0p3) echo B ;;
		*)
			echo "unknown root device $1" >&2
			exit 1
			;;
	esac
}

root_arg() {
	tr ' ' '\n' <"$1" | sed -n 's/^root=//p' | head -n 1
}

with_boot() {
	mnt=$(mktemp -d)
	mount -t vfat "$BOOT_DEV" "$mnt"
	status=0
	"$@" "$mnt" || status=$?
	umount "$mnt"
	rmdir "$mnt"
	return "$status"
}

print_primary() {
	name_of "$(root_arg "$1/cmdline.txt")"
}

write_primary() {
	dev=$(dev_of "$SLOT")
	sed "s|root=[^ ]*|root=${dev}|" "$1/cmdline.txt" >"$1/cmdline.txt.new"
	sync
	mv "$1/cmdline.txt.new" "$1/cmdline.txt"
	sync
}

cmd=${1:-}
case "$cmd" in
	get-primary)
		with_boot print_primary
		;;
	set-primary)
		SLOT=${2:?slot}
		dev_of "$SLOT" >/dev/null
		with_boot write_primary
		;;
	get-state)
		SLOT=${2:?slot}
		dev_of "$SLOT" >/dev/null
		if [ -f "$STATE_DIR/$SLOT" ]; then
			cat "$STATE_DIR/$SLOT"
		else
			echo good
		fi
		;;
	set-state)
		SLOT=${2:?slot}
		STATE=${3:?state}
		dev_of "$SLOT" >/dev/null
		case "$STATE" in
			good | bad) ;;
			*)
				echo "unknown state $STATE" >&2
				exit 1
				;;
		esac
		mkdir -p "$STATE_DIR"
		echo "$STATE" >"$STATE_DIR/$SLOT"
		;;
	get-current)
		name_of "$(root_arg /proc/cmdline)"
		;;
	*)
		echo "usage: $0 get-primary|set-primary|get-state|set-state|get-current" >&2
		exit 1
		;;
esac
