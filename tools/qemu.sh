#!/bin/sh
# qemu.sh - boots a Spindle disk image in QEMU on OVMF. One place for the QEMU command line,
# used by `make run` and by the test runner.
#
#   qemu.sh --image IMG [--smp N] [--mem SIZE] [--interactive | --log FILE] [--no-serial]
#           [--usb] [--pc usb] [--timeout SEC] [--monitor-pipe PATH] [--machine M]
#           [--cpu MODEL] [--secure-boot | --bios ROM] [-- extra qemu args]
#
# --interactive: serial console on this terminal (Ctrl-A X quits), no window unless GUI=1.
# --log FILE:    headless, COM1 to FILE; QEMU's exit status is returned (isa-debug-exit codes).
# --log2 FILE:   (log mode) a second serial port, COM2, to FILE (e.g. the trace_port=com2 trace).
# --monitor-pipe PATH: in log mode, QEMU's human monitor on the FIFOs PATH.in/PATH.out (made
#                by the caller) instead of none; test/lib/screen.sh uses it for screendumps.
# --machine q35|pc (default q35), --cpu MODEL (default max).
# --pc usb:      the shape of most PCs today: no PS/2 controller (i8042=off), a USB keyboard
#                (usb-kbd, id usbkbd) on an xHCI controller (id xhci; the stick's with --usb).
#                QEMU's sendkey/input-send-event then type on the USB keyboard.
# --secure-boot: OVMF's Secure Boot build with SMM and Debian's snakeoil keys enrolled
#                (q35 only); --bios ROM: another firmware as -bios (e.g. U-Boot), no pflash.
# A fresh copy of the OVMF variable store is used for every boot.
set -eu
image= smp=1 mem=512M mode=log log=/dev/null serial=yes usb=no timeout=0 monitor=none log2=
machine=q35 cpu=max secure=no bios= pc=
while [ $# -gt 0 ]; do
    case $1 in
        --image) image=$2; shift 2 ;;
        --smp) smp=$2; shift 2 ;;
        --mem) mem=$2; shift 2 ;;
        --interactive) mode=interactive; shift ;;
        --log) log=$2; shift 2 ;;
        --log2) log2=$2; shift 2 ;;
        --no-serial) serial=no; shift ;;
        --usb) usb=yes; shift ;;
        --pc) pc=$2; shift 2 ;;
        --timeout) timeout=$2; shift 2 ;;
        --monitor-pipe) monitor=pipe:$2; shift 2 ;;
        --machine) machine=$2; shift 2 ;;
        --cpu) cpu=$2; shift 2 ;;
        --secure-boot) secure=yes; shift ;;
        --bios) bios=$2; shift 2 ;;
        --) shift; break ;;
        *) echo "qemu.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -n "$image" ] || { echo "qemu.sh: --image is required" >&2; exit 2; }

ovmf_code=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
ovmf_vars_src=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
machine_opts=$machine
if [ "$secure" = yes ]; then
    ovmf_code=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd
    ovmf_vars_src=/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd
    machine_opts=$machine,smm=on
fi
for f in "$ovmf_code" "$ovmf_vars_src" ${bios:+"$bios"}; do
    [ -r "$f" ] || { echo "qemu.sh: $f missing (run: make deps)" >&2; exit 2; }
done
vars=$(mktemp /tmp/spindle-vars.XXXXXX)
trap 'rm -f "$vars"' EXIT INT TERM
cp "$ovmf_vars_src" "$vars"
case $pc in
    '') ;;
    usb) machine_opts=$machine_opts,i8042=off ;;
    *) echo "qemu.sh: unknown --pc $pc (known: usb)" >&2; exit 2 ;;
esac
firmware="-drive if=pflash,format=raw,unit=0,readonly=on,file=$ovmf_code -drive if=pflash,format=raw,unit=1,file=$vars"
[ "$secure" = yes ] && firmware="$firmware -global driver=cfi.pflash01,property=secure,value=on"
[ -n "$bios" ] && firmware="-bios $bios"

accel=tcg
if [ -w /dev/kvm ] && [ "${SPINDLE_KVM:-0}" = 1 ]; then accel=kvm; fi

if [ "$usb" = yes ]; then
    disk="-device qemu-xhci,id=xhci -drive if=none,id=stick,format=raw,file=$image -device usb-storage,bus=xhci.0,drive=stick,bootindex=0"
else
    disk="-drive if=none,id=disk0,format=raw,file=$image -device virtio-blk-pci,drive=disk0,bootindex=0"
fi
if [ "$pc" = usb ]; then
    [ "$usb" = yes ] || disk="$disk -device qemu-xhci,id=xhci"
    disk="$disk -device usb-kbd,bus=xhci.0,id=usbkbd"
fi

set -- -machine "$machine_opts" -accel $accel -cpu "$cpu" -smp "$smp" -m "$mem" \
    $firmware \
    $disk -nic none -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@"

if [ "$mode" = interactive ]; then
    display="-display none"
    [ "${GUI:-0}" = 1 ] && display=
    exec_status=0
    qemu-system-x86_64 "$@" $display -serial mon:stdio || exec_status=$?
    exit $exec_status
fi

if [ "$serial" = yes ]; then
    serial_opt="-serial file:$log${log2:+ -serial file:$log2}"
else
    serial_opt="-serial none"
fi
status=0
if [ "$timeout" -gt 0 ]; then
    timeout --foreground -k 5 "$timeout" qemu-system-x86_64 "$@" -display none $serial_opt \
        -monitor "$monitor" || status=$?
else
    qemu-system-x86_64 "$@" -display none $serial_opt -monitor "$monitor" || status=$?
fi
exit $status
