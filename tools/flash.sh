#!/bin/sh
# flash.sh IMG DEV - writes the USB stick image IMG to the whole disk DEV (e.g. /dev/sdb).
#
# Refuses, before anything is written, unless DEV is: a block device; a whole disk, not a
# partition; removable or on USB; not holding the root file system; with nothing on it
# mounted or used as swap; at least as large as IMG. Then it shows what it found and asks
# you to type the disk's name. After dd the backup GPT is moved to the stick's real end
# (sgdisk -e), since the image is smaller than the stick.
#
# FLASH_CONFIRM=NAME answers the question in advance (for scripts; NAME must still match).
set -eu
die() { echo "flash: refusing: $*" >&2; exit 1; }

[ $# -eq 2 ] && [ -n "$2" ] || { echo "usage: make flash DEV=/dev/sdX  (or: flash.sh IMG DEV)" >&2; exit 2; }
img=$1 dev=$2
[ -f "$img" ] || die "image $img does not exist (run: make usb)"
[ -e "$dev" ] || die "$dev does not exist"
[ -b "$dev" ] || die "$dev is not a block device"

real=$(readlink -f "$dev")
name=${real##*/}
sys=/sys/class/block/$name
[ -d "$sys" ] || die "$dev: no $sys"
if [ -e "$sys/partition" ]; then
    die "$dev is a partition; give the whole disk (e.g. /dev/sdb, not /dev/sdb1)"
fi
case $name in
    loop*|ram*|zram*|dm-*|md*|sr*) die "$dev is a $name device, not a USB stick" ;;
esac

# The disk that holds /: resolve the root file system's device to its top-level disks.
root_src=$(findmnt -no SOURCE / 2>/dev/null || true)
if [ -n "$root_src" ] && [ -b "$root_src" ]; then
    for disk in $(lsblk -nslo NAME,TYPE "$root_src" 2>/dev/null | awk '$2 == "disk" { print $1 }'); do
        [ "$disk" = "$name" ] && die "$dev holds the root file system (/)"
    done
fi

removable=$(cat "$sys/removable" 2>/dev/null || echo 0)
tran=$(lsblk -dno TRAN "$real" 2>/dev/null | tr -d ' ' || true)
if [ "$removable" != 1 ] && [ "$tran" != usb ]; then
    die "$dev is neither removable nor on USB (removable=$removable, transport=${tran:-unknown})"
fi

# Anything on the disk (its partitions, LVM or crypt holders) mounted or used as swap?
in_use=$(lsblk -nlo NAME,MOUNTPOINT "$real" 2>/dev/null | awk 'NF > 1 { print $1 " on " $2 }')
[ -z "$in_use" ] || die "$dev is in use: $(echo "$in_use" | tr '\n' ' ')(unmount it first)"
for part in $(lsblk -nlo NAME "$real" 2>/dev/null); do
    if grep -q "^/dev/$part " /proc/mounts /proc/swaps 2>/dev/null; then
        die "/dev/$part is mounted or used as swap"
    fi
done

disk_bytes=$(( $(cat "$sys/size") * 512 ))
img_bytes=$(stat -c %s "$img")
[ "$disk_bytes" -ge "$img_bytes" ] || die "$dev ($disk_bytes bytes) is smaller than $img ($img_bytes bytes)"
[ -w "$real" ] || die "no write permission on $dev (run as root, e.g. sudo make flash DEV=$dev)"

model=$(lsblk -dno VENDOR,MODEL "$real" 2>/dev/null | tr -s ' ' || true)
echo "flash: about to ERASE $dev ($name): ${model:-unknown model}, $((disk_bytes / 1000000)) MB, transport ${tran:-unknown}, removable=$removable"
echo "flash: everything on it will be lost and replaced by $img"
if [ -n "${FLASH_CONFIRM:-}" ]; then
    answer=$FLASH_CONFIRM
else
    printf 'Type the disk name (%s) to continue: ' "$name"
    read -r answer || answer=
fi
[ "$answer" = "$name" ] || die "confirmation did not match ($name); nothing written"

dd if="$img" of="$real" bs=4M conv=fsync oflag=direct status=progress
# The image's backup GPT now sits mid-disk: move it to the last sectors of the stick.
if command -v sgdisk >/dev/null 2>&1; then
    sgdisk -e "$real" >/dev/null || echo "flash: warning: sgdisk -e failed; run it by hand" >&2
fi
sync
command -v blockdev >/dev/null 2>&1 && blockdev --rereadpt "$real" 2>/dev/null || true
echo "flash: done. Boot the stick from the firmware's boot menu (see README)."
