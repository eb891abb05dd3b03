#!/bin/bash
# media.sh BUILD - boot-media tests: the USB stick image, Secure Boot (signed loader boots,
# unsigned loader refused by the firmware, tampered kernel or root archive refused by our
# loader), `make flash`'s refusals, and the quick form of the boot matrix.
#
# Prints "ok media.NAME" / "FAIL media.NAME: reason" (and the matrix's "ok matrix.NAME"
# lines) for test/run.sh to collect. Uses BUILD's kernel.elf, root.tar, BOOTX64.EFI and
# spindle.img (make image); works in BUILD/media-test. Every boot has a total timeout, and
# boots that end in a firmware or loader wait are stopped as soon as the log shows it.
# Runtime about a minute under TCG.
set -u
cd "$(dirname "$0")/.." || exit 2
build=${1:-build}
# shellcheck source=lib/bootcase.sh
. test/lib/bootcase.sh
dir=$build/media-test
rm -rf "$dir"
mkdir -p "$dir"

pass() { echo "ok media.$1"; }
media_failed=0
fail() {
    media_failed=1
    echo "FAIL media.$1: $2"
    if [ -n "${3:-}" ] && [ -f "$3" ]; then
        echo "---- last lines of $3 ----"
        tr -d '\r' < "$3" | sed 's/\x1b\[[0-9;?=]*[A-Za-z]//g' | grep -av '^[[:space:]]*$' | tail -n 25
        echo "----"
    fi
}
# expect_33 NAME LOG: the boot reached its ktest verdict with exit 33.
expect_33() {
    if [ "$bootcase_status" = 33 ]; then pass "$1"; else
        fail "$1" "$(bootcase_reason "$2" "$bootcase_status")" "$2"; fi
}

for f in kernel.elf root.tar BOOTX64.EFI spindle.img; do
    [ -r "$build/$f" ] || { fail setup "$build/$f missing (make BUILD=$build image)"; exit 1; }
done
printf 'qemu_exit ktest\n' > "$dir/cmdline.txt"

# ---------------------------------------------------------------- USB stick image
# The stick runs the whole app suite (/bin/suite) as init, as a user would from a boot entry.
usb=$dir/usb.img
printf 'qemu_exit -- /bin/suite\n' > "$dir/usb-cmdline.txt"
if sh tools/mkusb.sh "$usb" "$build/BOOTX64.EFI" "$build/kernel.elf" "$build/root.tar" \
        "$dir/usb-cmdline.txt" > "$dir/mkusb.txt" 2>&1; then
    pass usb-image-gpt-esp-256mib-4k-clusters
    bootcase_run "$dir/usb.log" 300 "" --image "$usb" --usb
    expect_33 usb-stick-runs-the-suite-exits-33 "$dir/usb.log"
    if grep -aq '^[0-9][0-9]* passed, 0 failed' "$dir/usb.log"; then
        pass usb-stick-suite-verdict
    else
        fail usb-stick-suite-verdict "no 'N passed, 0 failed' line from /bin/suite" "$dir/usb.log"
    fi
else
    fail usb-image-gpt-esp-256mib-4k-clusters "$(tail -n 1 "$dir/mkusb.txt")"
fi

# ---------------------------------------------------------------- Secure Boot
signed_loader=$dir/BOOTX64.signed.efi
signed=$dir/usb-signed.img
if sh tools/sign.sh "$build/BOOTX64.EFI" "$signed_loader" > "$dir/sign.txt" 2>&1 &&
   sh tools/mkusb.sh "$signed" "$signed_loader" "$build/kernel.elf" "$build/root.tar" \
        "$dir/cmdline.txt" >> "$dir/sign.txt" 2>&1; then
    pass sign-loader-with-snakeoil-key
    log=$dir/sb-signed.log
    bootcase_run "$log" 120 "" --image "$signed" --usb --secure-boot
    expect_33 secureboot-signed-stick-boots-ktest-exits-33 "$log"
    if grep -aq 'Secure Boot is on' "$log" && grep -aq 'kernel.elf matches the signed digest' "$log" &&
       grep -aq 'root.tar matches the signed digest' "$log"; then
        pass secureboot-loader-verifies-kernel-and-root
    else
        fail secureboot-loader-verifies-kernel-and-root "no 'Secure Boot is on' / 'matches the signed digest' lines" "$log"
    fi

    # a kernel changed by one byte (still a valid ELF: the banner's first letter)
    tampered=$dir/usb-tampered-kernel.img
    cp --sparse=always "$signed" "$tampered"
    cp "$build/kernel.elf" "$dir/kernel.tampered"
    off=$(grep -abo 'Spindle kernel' "$dir/kernel.tampered" | head -n 1 | cut -d: -f1)
    printf 's' | dd of="$dir/kernel.tampered" bs=1 seek="${off:-4096}" conv=notrunc status=none
    mcopy -o -i "$tampered@@1M" "$dir/kernel.tampered" ::/spindle/kernel.elf
    log=$dir/sb-tampered-kernel.log
    bootcase_run "$log" 90 'boot stopped' --image "$tampered" --usb --secure-boot
    if grep -aq 'kernel.elf does not match the digest in the signed loader' "$log" &&
       ! grep -aq 'pindle kernel, firmware' "$log"; then
        pass secureboot-tampered-kernel-refused-by-loader
    else
        fail secureboot-tampered-kernel-refused-by-loader "no digest refusal ($(bootcase_reason "$log" "$bootcase_status"))" "$log"
    fi

    # a root archive changed by one byte
    tampered=$dir/usb-tampered-root.img
    cp --sparse=always "$signed" "$tampered"
    cp "$build/root.tar" "$dir/root.tampered"
    byte=$(dd if="$dir/root.tampered" bs=1 skip=1000 count=1 status=none | od -An -tu1 | tr -d ' ')
    printf "\\$(printf '%03o' $(( (${byte:-0} + 1) % 256 )))" |
        dd of="$dir/root.tampered" bs=1 seek=1000 conv=notrunc status=none
    mcopy -o -i "$tampered@@1M" "$dir/root.tampered" ::/spindle/root.tar
    log=$dir/sb-tampered-root.log
    bootcase_run "$log" 90 'boot stopped' --image "$tampered" --usb --secure-boot
    if grep -aq 'root.tar does not match the digest in the signed loader' "$log" &&
       ! grep -aq 'pindle kernel, firmware' "$log"; then
        pass secureboot-tampered-root-archive-refused-by-loader
    else
        fail secureboot-tampered-root-archive-refused-by-loader "no digest refusal ($(bootcase_reason "$log" "$bootcase_status"))" "$log"
    fi
else
    fail sign-loader-with-snakeoil-key "$(tail -n 1 "$dir/sign.txt")"
fi

# an unsigned loader: the firmware refuses it and then waits for a key (timeout catches it)
if [ -f "$usb" ]; then
    log=$dir/sb-unsigned.log
    bootcase_run "$log" 60 'No bootable option' --image "$usb" --usb --secure-boot
    if grep -aq 'Access Denied' "$log" && ! grep -aq 'spindle-loader: starting' "$log"; then
        pass secureboot-unsigned-loader-refused-by-firmware
    else
        fail secureboot-unsigned-loader-refused-by-firmware "firmware did not refuse it ($(bootcase_reason "$log" "$bootcase_status"))" "$log"
    fi
fi

# ---------------------------------------------------------------- make flash refuses
flash_refuses() { # NAME DEV EXPECTED-MESSAGE
    local msg
    msg=$(sh tools/flash.sh "$usb" "$2" < /dev/null 2>&1)
    local st=$?
    if [ "$st" != 0 ] && echo "$msg" | grep -q "refusing: .*$3"; then pass "$1"; else
        fail "$1" "exit $st, said: $(echo "$msg" | head -n 1)"; fi
}
: > "$dir/not-a-disk"
flash_refuses flash-refuses-a-regular-file "$dir/not-a-disk" 'not a block device'
flash_refuses flash-refuses-a-missing-device /dev/spindle-no-such-disk 'does not exist'
root_dev=$(findmnt -no SOURCE / 2>/dev/null || true)
if [ -n "$root_dev" ] && [ -b "$root_dev" ]; then
    root_disk=$(lsblk -nslo NAME,TYPE "$root_dev" 2>/dev/null | awk '$2 == "disk" { print $1; exit }')
    [ -n "$root_disk" ] && flash_refuses flash-refuses-the-root-disk "/dev/$root_disk" 'root file system'
    part=$(lsblk -nlo NAME,TYPE "/dev/$root_disk" 2>/dev/null | awk '$2 == "part" { print $1; exit }')
    [ -n "$part" ] && flash_refuses flash-refuses-a-partition "/dev/$part" 'is a partition'
fi

# ---------------------------------------------------------------- quick boot matrix
bash tools/matrix.sh --build "$build" --quick > "$dir/matrix.txt" 2>&1
grep -aE '^(ok|FAIL) ' "$dir/matrix.txt"
sed -n '/^CASE /,$p' "$dir/matrix.txt" | grep -q 'FAIL' && sed -n '/^CASE /,$p' "$dir/matrix.txt"
! grep -aq '^FAIL ' "$dir/matrix.txt" && [ "$media_failed" = 0 ]
