#!/bin/sh
# mkimage.sh IMG LOADER KERNEL ROOT_TAR CMDLINE_FILE
#
# Builds a GPT disk image without root or loop devices: one FAT32 EFI System Partition
# (starting at 1 MiB) holding EFI/BOOT/BOOTX64.EFI and the spindle/ directory the loader
# reads. sgdisk writes both GPT copies; mtools writes the file system through an offset.
# Environment: IMG_SIZE_MIB (whole image, default 64), IMG_CLUSTER_SECTORS (FAT32 sectors
# per cluster, default 1; tools/mkusb.sh asks for 8, i.e. 4 KiB clusters).
set -eu
img=$1 loader=$2 kernel=$3 root=$4 cmdline=$5
size_mib=${IMG_SIZE_MIB:-64}
cluster=${IMG_CLUSTER_SECTORS:-1}
tmp=$img.tmp
rm -f "$tmp"
truncate -s ${size_mib}M "$tmp"
sgdisk -o -n 1:2048:0 -t 1:EF00 -c 1:SPINDLE-ESP "$tmp" >/dev/null
# partition size in KiB: everything after the 1 MiB start, minus the 33-sector backup GPT
part_kib=$(( (size_mib - 1) * 1024 - 17 ))
mkfs.vfat -F 32 -S 512 -s "$cluster" -h 2048 --offset 2048 -n SPINDLE "$tmp" $part_kib 2>&1 | grep -v "block count mismatch" >&2 || true
m="-i $tmp@@1M"
mmd $m ::/EFI ::/EFI/BOOT ::/spindle
mcopy $m "$loader" ::/EFI/BOOT/BOOTX64.EFI
mcopy $m "$kernel" ::/spindle/kernel.elf
mcopy $m "$root" ::/spindle/root.tar
mcopy $m "$cmdline" ::/spindle/cmdline.txt
mv "$tmp" "$img"
