#!/bin/bash
# matrix.sh --build DIR [--quick] [--only NAME[,NAME...]] - the boot matrix (`make matrix`).
#
# Boots the built image under each configuration below and runs a short smoke program as
# init (the kernel's self-tests: `qemu_exit ktest`, verdict = QEMU exit 33); the rows of
# kind `suite` run the whole user suite (`qemu_exit -- /bin/suite`) on the CPU models and
# machine sizes that differ most from the one `make test` uses. Prints
# "ok matrix.NAME" / "FAIL matrix.NAME: reason" lines as it goes, then a table. Logs go to
# DIR/matrix/; the serial log of every failure is kept as DIR/matrix/fail/NAME.log, passing
# logs are deleted (the kernel's CPU/APIC/memory lines of each pass go to DIR/matrix/found.txt).
# --quick runs the subset CI runs (marked q below). Exit status 1 when any
# case failed.
#
# Inputs: DIR/spindle.img, DIR/BOOTX64.EFI, DIR/kernel.elf, DIR/root.tar (make image).
# The USB, signed and U-Boot variants are made here from those, so the matrix needs no
# particular SIGN= setting. SMOKE="..." replaces the smoke command line; MATRIX_SCREEN=0
# checks the no-serial boot by its exit code instead of a screendump.
set -u
cd "$(dirname "$0")/.." || exit 2
build=build quick=no only=
while [ $# -gt 0 ]; do
    case $1 in
        --build) build=$2; shift 2 ;;
        --quick) quick=yes; shift ;;
        --only) only=,$2,; shift 2 ;;
        *) echo "matrix.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
smoke=${SMOKE:-qemu_exit ktest}
uboot_rom=/usr/lib/u-boot/qemu-x86_64/u-boot.rom
# shellcheck source=../test/lib/bootcase.sh
. test/lib/bootcase.sh

dir=$build/matrix
rm -rf "$dir"
mkdir -p "$dir/fail"
for f in spindle.img BOOTX64.EFI kernel.elf root.tar; do
    [ -r "$build/$f" ] || { echo "matrix.sh: $build/$f missing (run: make BUILD=$build image)" >&2; exit 2; }
done

# name | q = in the quick set | image kind | qemu.sh options | what it covers
cases="
q35-reference  |  | disk   |                            | q35, -cpu max, -smp 1, -m 512M
pc-i440fx      | q | disk   | --machine pc               | i440fx chipset (PIC/PIT/PIIX, no MCFG)
cpu-qemu64     | q | disk   | --cpu qemu64               | oldest model: no x2APIC/SMEP/SMAP/PCID/XSAVE/1G pages
cpu-Nehalem    |  | disk   | --cpu Nehalem              | no SMEP/SMAP/XSAVE/PCID/1G pages
cpu-Skylake    |  | disk   | --cpu Skylake-Client       | XSAVE, PCID, SMEP/SMAP, no 1G pages
cpu-EPYC       |  | disk   | --cpu EPYC                 | AMD: 1G pages, SMAP, XSAVE, no x2APIC
smp-2          |  | disk   | --smp 2                    | two CPUs
smp-4          |  | disk   | --smp 4                    | four CPUs
mem-64M        | q | disk   | --mem 64M                  | 64 MiB RAM (OVMF itself needs ~48)
mem-4G         |  | disk   | --mem 4G                   | 4 GiB RAM (memory above 4 GiB)
no-serial      |  | screen | --no-serial                | no serial port: verdict read from a screendump
usb-stick      |  | usb    | --usb                      | boots as a USB mass-storage stick (xHCI)
pcusb-q35      |  | disk   | --pc usb                   | no PS/2 (i8042=off), USB keyboard on xHCI, ECAM
pcusb-pc       |  | disk   | --machine pc --pc usb      | the same on i440fx (config ports, no MCFG)
pcusb-q35-fb   |  | screen | --pc usb --no-serial       | no PS/2, USB keyboard, no serial port: screendump
pcusb-pc-fb    |  | screen | --machine pc --pc usb --no-serial | the same on i440fx
pcusb-stick    |  | usb    | --usb --pc usb             | USB stick and USB keyboard on one xHCI, no PS/2
pcusb-nec-msi  |  | disk   | --machine q35,i8042=off -- -device nec-usb-xhci,id=nec,msix=off -device usb-kbd,bus=nec.0 | NEC xHCI with MSI only (not MSI-X)
pcusb-polled   |  | disk   | --machine q35,i8042=off -- -device nec-usb-xhci,id=nec,msi=off,msix=off -device usb-kbd,bus=nec.0 | xHCI without MSI: polled from the timer tick
secure-boot    |  | signed | --usb --secure-boot        | OVMF Secure Boot, snakeoil db, signed loader
uboot          | q | uboot  | --machine pc               | U-Boot's UEFI (second firmware) on i440fx
suite-qemu64   |  | suite  | --cpu qemu64 --smp 2       | /bin/suite without FSGSBASE/XSAVE/RDTSCP
suite-Nehalem  |  | suite  | --cpu Nehalem --smp 2      | /bin/suite on a 2008 CPU model
suite-smp4-4G  |  | suite  | --smp 4 --mem 4G           | /bin/suite at four CPUs and 4 GiB
"

selected() { # NAME QUICKFLAG
    if [ -n "$only" ]; then case $only in *",$1,"*) return 0 ;; *) return 1 ;; esac; fi
    [ "$quick" = no ] || [ "$2" = q ]
}

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; echo "${s%"${s##*[![:space:]]}"}"; }

# Images, made on first use.
declare -A made
image_for() { # KIND -> path on stdout, or empty when it could not be made (reason in $dir/KIND.txt)
    local kind=$1 img
    case $kind in
        disk|uboot|screen) img=$dir/disk.img ;;
        suite) img=$dir/suite.img ;;
        usb) img=$dir/usb.img ;;
        signed) img=$dir/usb-signed.img ;;
    esac
    [ "$kind" = screen ] && img=$dir/screen.img
    if [ -z "${made[$kind]:-}" ]; then
        made[$kind]=1
        case $kind in
            disk|uboot) bootcase_image "$build/spindle.img" "$img" "$smoke" ;;
            suite) bootcase_image "$build/spindle.img" "$img" "qemu_exit -- /bin/suite" ;;
            screen) bootcase_image "$build/spindle.img" "$img" "${smoke#qemu_exit }" ;;
            usb|signed)
                local loader=$build/BOOTX64.EFI
                printf '%s\n' "$smoke" > "$dir/cmdline.txt"
                if [ "$kind" = signed ]; then
                    loader=$dir/BOOTX64.signed.efi
                    # the snakeoil key: the one the Secure Boot VARS used here trust
                    sh tools/sign.sh "$build/BOOTX64.EFI" "$loader"
                fi &&
                sh tools/mkusb.sh "$img" "$loader" "$build/kernel.elf" "$build/root.tar" \
                    "$dir/cmdline.txt" ;;
        esac > "$dir/$kind.txt" 2>&1 || rm -f "$img"
    fi
    [ -f "$img" ] && echo "$img"
}

# U-Boot's built-in environment passes "bootargs" (a Linux command line) to EFI programs as
# LoadOptions, which our loader would take as the kernel command line. The matrix boots a
# copy of the ROM whose default bootargs are blanked (and bootdelay 0), so cmdline.txt rules
# as it does under OVMF. The program code is untouched.
uboot_rom_copy() {
    local rom=$dir/u-boot.rom
    [ -f "$rom" ] && { echo "$rom"; return 0; }
    [ -r "$uboot_rom" ] || return 1
    perl -0777 -pe 's/(bootargs=)([^\0]*)\0/$1 . (" " x length($2)) . "\0"/ge;
                    s/bootdelay=\d+\0/bootdelay=0\0/g' "$uboot_rom" > "$rom" || return 1
    [ "$(stat -c %s "$rom")" = "$(stat -c %s "$uboot_rom")" ] || return 1
    echo "$rom"
}

results=$dir/results.txt
: > "$results"
passed=0 failed=0
run_case() { # NAME KIND OPTS DESC
    local name=$1 kind=$2 opts=$3 desc=$4 img log=$dir/$1.log status reason extra=() rom
    img=$(image_for "$kind")
    if [ -z "$img" ]; then
        record "$name" FAIL "-" "could not make the $kind image: $(tail -n 1 "$dir/$kind.txt")" "$desc"
        return
    fi
    if [ "$kind" = uboot ]; then
        rom=$(uboot_rom_copy) || { record "$name" FAIL "-" "no U-Boot ROM ($uboot_rom; apt-get install u-boot-qemu)" "$desc"; return; }
        extra=(--bios "$rom")
    fi
    # shellcheck disable=SC2086
    if [ "$kind" = screen ]; then
        screen_case "$name" "$img" $opts
        status=$screen_status
    else
        bootcase_run "$log" "$([ "$kind" = suite ] && echo 900 || echo 150)" "" --image "$img" $opts "${extra[@]}"
        status=$bootcase_status
    fi
    reason=$(bootcase_reason "$log" "$status")
    if [ "$status" = 33 ]; then
        reason="$(grep -a -m1 -e '^ktest: ' -e '^[0-9]* passed, 0 failed' "$log" 2>/dev/null | tr -d '\r')"
        [ "$kind" = screen ] && reason="screen: $screen_note"
        record "$name" ok "$bootcase_secs" "${reason:-exit 33}" "$desc"
        # what the kernel found, as evidence that the configurations really differ
        grep -a -e '^Spindle kernel' -e '^cpu: ' -e '^apic: .*mode' -e '^mm: .*usable' \
            -e 'USB keyboard [0-9]* ready' "$log" 2>/dev/null |
            tr -d '\r' | sed "s/^/$name: /" >> "$dir/found.txt"
        rm -f "$log" "$log.qemu.txt"
    else
        [ "$kind" = screen ] && reason="$screen_note"
        record "$name" FAIL "$bootcase_secs" "$reason" "$desc"
        cp "$log" "$dir/fail/$name.log" 2>/dev/null
        cp "$log.qemu.txt" "$dir/fail/$name.qemu.txt" 2>/dev/null
    fi
}

# No serial port: the verdict is read off the framebuffer (test/lib/screen.sh + fb_text),
# with ktest ending in an ACPI power-off that -no-shutdown keeps on screen. Without the
# screen reader, fall back to the QEMU exit code of `qemu_exit ktest`.
screen_case() {
    local name=$1 img=$2 text=$dir/$1.screen.txt
    shift 2
    screen_status=1 screen_note=
    bootcase_secs=-
    if [ -r test/lib/screen.sh ] && [ "${MATRIX_SCREEN:-1}" = 1 ]; then
        # shellcheck disable=SC2034 # out: read by screen.sh
        local out=$dir t0 t1 rc=0
        # shellcheck source=../test/lib/screen.sh
        . test/lib/screen.sh
        t0=$(date +%s)
        SCREEN_UNTIL='ktest: [0-9]* passed' SCREEN_TIMEOUT=90 \
            screen_boot_text "$name" "$img" "$text" "$@" || rc=$?
        t1=$(date +%s)
        bootcase_secs=$((t1 - t0))
        if [ "$rc" -le 1 ] && grep -q 'ktest: [0-9]* passed, 0 failed' "$text"; then
            screen_status=33 screen_note=$(grep -m1 -o 'ktest: [0-9]* passed, 0 failed' "$text")
            return
        elif [ "$rc" -le 1 ]; then
            screen_note="screen shows no clean ktest summary; last text: $(grep -v '^[[:space:]]*$' "$text" | tail -n 1 | cut -c1-60)"
            cp "$text" "$dir/fail/$name.screen.txt" 2>/dev/null
            return
        fi
        screen_note="screen reader unavailable (rc $rc), exit code only: "
    fi
    local img2=$dir/disk.img
    [ -f "$img2" ] || img2=$(image_for disk)
    bootcase_run "$dir/$name.log" 150 "" --image "$img2" "$@"
    screen_status=$bootcase_status
    screen_note="$screen_note$(bootcase_reason "$dir/$name.log" "$bootcase_status")"
}

record() { # NAME ok|FAIL SECS REASON DESC
    if [ "$2" = ok ]; then
        echo "ok matrix.$1"; passed=$((passed + 1))
    else
        echo "FAIL matrix.$1: $4"; failed=$((failed + 1))
    fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >> "$results"
}

while IFS='|' read -r name q kind opts desc; do
    name=$(trim "$name")
    [ -n "$name" ] || continue
    selected "$name" "$(trim "$q")" || continue
    run_case "$name" "$(trim "$kind")" "$(trim "$opts")" "$(trim "$desc")"
done <<< "$cases"

echo
printf '%-15s %-5s %6s  %s\n' CASE RESULT SECS "REASON / VERDICT"
while IFS=$'\t' read -r name res secs reason desc; do
    printf '%-15s %-5s %6s  %s\n' "$name" "$res" "$secs" "$reason"
done < "$results"
echo "matrix: $passed passed, $failed failed (failure logs in $dir/fail/; what each boot found: $dir/found.txt)"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
