#!/bin/sh
# deps.sh [fuzz] - makes sure the Debian packages the build and tests need are installed
# (with `fuzz`: also clang and its libFuzzer runtime, for `make fuzz-host`).
# Installs them with apt-get when running as root (or through passwordless sudo);
# otherwise prints exactly what to install and fails.
set -eu

# command-or-file : package
needs="
gcc:gcc
musl-gcc:musl-tools
/usr/lib/x86_64-linux-musl/rcrt1.o:musl-dev
/usr/share/doc/busybox-static:busybox-static
/usr/lib/x86_64-linux-gnu/libc.a:libc6-dev
make:make
ld:binutils
objcopy:binutils
/usr/include/efi/efi.h:gnu-efi
/usr/lib/crt0-efi-x86_64.o:gnu-efi
qemu-system-x86_64:qemu-system-x86
/usr/share/OVMF/OVMF_CODE_4M.fd:ovmf
mcopy:mtools
mkfs.vfat:dosfstools
sgdisk:gdisk
/usr/share/consolefonts/Lat15-Terminus16.psf.gz:console-setup-linux
tar:tar
gzip:gzip
awk:mawk
od:coreutils
timeout:coreutils
setsid:util-linux
sbsign:sbsigntool
sbverify:sbsigntool
openssl:openssl
perl:perl-base
/usr/share/OVMF/OVMF_CODE_4M.secboot.fd:ovmf
/usr/share/ovmf/PkKek-1-snakeoil.key:ovmf
/usr/lib/u-boot/qemu-x86_64/u-boot.rom:u-boot-qemu
findmnt:util-linux
lsblk:util-linux
"

if [ "${1:-}" = fuzz ]; then
    needs="$needs clang:clang /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a:libclang-rt-14-dev"
fi

missing=
for entry in $needs; do
    what=${entry%%:*} pkg=${entry#*:}
    case $what in
        /*) [ -e "$what" ] && continue ;;
        *) command -v "$what" >/dev/null 2>&1 && continue ;;
    esac
    case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
done
[ -z "$missing" ] && exit 0

echo "deps: missing packages:$missing"
if [ "$(id -u)" = 0 ]; then
    run=
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    run="sudo -n"
else
    echo "deps: please run as root: apt-get update && apt-get install -y$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$run apt-get update -q
# shellcheck disable=SC2086
$run apt-get install -y -q $missing
