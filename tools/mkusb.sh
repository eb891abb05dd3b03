#!/bin/sh
# mkusb.sh IMG LOADER KERNEL ROOT_TAR CMDLINE_FILE
#
# The USB stick image: the same layout as tools/mkimage.sh (GPT, one FAT32 ESP at 1 MiB with
# EFI/BOOT/BOOTX64.EFI and spindle/), sized for picky firmware: a 320 MiB image whose ESP is
# well above 256 MiB with 4 KiB clusters (some firmware refuses small or 512-byte-cluster
# FAT32 ESPs). After building it checks what it promises: both GPT headers valid, the backup
# at the image's last sector, the ESP type and size, and the FAT32 geometry.
set -eu
[ $# -eq 5 ] || { echo "usage: mkusb.sh IMG LOADER KERNEL ROOT_TAR CMDLINE_FILE" >&2; exit 2; }
img=$1
size_mib=${USB_SIZE_MIB:-320}
min_esp_mib=256

IMG_SIZE_MIB=$size_mib IMG_CLUSTER_SECTORS=8 sh "$(dirname "$0")/mkimage.sh" "$@"

die() { echo "mkusb.sh: $img: $*" >&2; rm -f "$img"; exit 1; }

# sgdisk -v reads both headers and tables and compares them.
verify=$(sgdisk -v "$img" 2>&1) || die "sgdisk -v failed: $verify"
echo "$verify" | grep -q 'No problems found' || die "GPT problems: $verify"

info=$(sgdisk -p "$img" 2>&1)
sectors=$(( $(stat -c %s "$img") / 512 ))
# "Disk ...: N sectors" and the partition line "1  2048  END  size  EF00  name"
echo "$info" | grep -q "Disk $img: $sectors sectors" || die "unexpected disk size: $info"
last=$(echo "$info" | awk '$1 == "1" { print $3; exit }')
type=$(echo "$info" | awk '$1 == "1" { print $6; exit }')
[ "$type" = EF00 ] || die "partition 1 is not an EFI System Partition ($type)"
# backup GPT: 32 sectors of entries + header, ending at the last sector
[ "$last" -eq $((sectors - 34)) ] || die "ESP ends at $last, expected $((sectors - 34))"
esp_mib=$(( (last - 2048 + 1) / 2048 ))
[ "$esp_mib" -ge "$min_esp_mib" ] || die "ESP is only $esp_mib MiB"

fat=$(minfo -i "$img@@1M" :: 2>&1) || die "minfo failed: $fat"
echo "$fat" | grep -q 'cluster size: 8 sectors' || die "clusters are not 4 KiB: $fat"
echo "$fat" | grep -q 'disk type="FAT32' || die "not FAT32: $fat"
echo "$fat" | grep -q 'hidden sectors: 2048' || die "hidden sectors do not match the ESP start"
# FAT32 proper needs at least 65525 clusters, or firmware may read it as FAT16
free=$(echo "$fat" | sed -n 's/^free clusters=//p')
[ "${free:-0}" -ge 65525 ] || die "only ${free:-?} clusters: too few for FAT32"
echo "mkusb.sh: $img: GPT ok (backup at sector $((sectors - 1))), ESP $esp_mib MiB FAT32, 4 KiB clusters"
