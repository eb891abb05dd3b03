#!/bin/bash
# usb.sh - in-QEMU test of a PC without PS/2 (issue 20): q35 with i8042=off, an xHCI
# controller and a USB keyboard, no serial port (tools/qemu.sh --pc usb --no-serial). One
# boot, driven through QEMU's human monitor and read back from screendumps
# (test/lib/keyboard.sh): typing on the USB keyboard, line editing, Caps Lock (and its LED
# report), Ctrl-C, key repeat,
# unplugging the keyboard and plugging another in, and the ACPI power button
# (system_powerdown) ending in a clean shutdown. Prints one "ok NAME" / "FAIL NAME: reason"
# line per case (test/run.sh collects them); exits 1 if any failed.
#
#   bash test/usb.sh [--build DIR] [--out DIR] [--smp N] [--mem SIZE]
set -u
. test/lib/args.sh
test_args usb "$@"
. test/lib/keyboard.sh
failures=0
pass() { echo "ok $1"; }
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }

img=$out/usb.img
cp --sparse=always "$build/spindle.img" "$img"
printf '\n' > "$out/cmdline.txt"
mcopy -o -i "$img@@1M" "$out/cmdline.txt" ::/spindle/cmdline.txt

# case name | steps (one per line, up to the case's last wait)
cases=(
"usb.keyboard-types-shell-command|type:echo typed-on-usb|wait:^typed-on-usb$"
"usb.line-editing-and-shift|text:echo abc|keys:left left backspace shift-x ret|wait:^Xbc$"
"usb.caps-lock|text:echo |keys:caps_lock a b caps_lock c ret|wait:^ABc$"
"usb.ctrl-c-abandons-the-line|text:echo lost|keys:ctrl-c|type:echo after-ctrl-c|wait:^after-ctrl-c$"
"usb.held-key-repeats|text:echo rep|mon:sendkey r 1200|keys:ret|wait:^reprrrrr"
"usb.unplug-is-reported|mon:device_del usbkbd|wait:device removed"
"usb.hotplugged-keyboard-types|mon:device_add usb-kbd,bus=xhci.0,id=kbd2|wait:USB keyboard 2 ready|type:echo hotplugged|wait:^hotplugged$"
"usb.power-button-shuts-down-cleanly|mon:system_powerdown|wait:power: shutting down (status 0)"
)
steps=()
for c in "${cases[@]}"; do
    IFS='|' read -r -a parts <<< "$c"
    steps+=("${parts[@]:1}")
done

screen=$out/usb.screen.txt
kbd_failed_step=
t0=$(date +%s)
KBD_TIMEOUT=40 keyboard_session usb "$img" "$screen" 'spindle:/\$' "${steps[@]}" \
    -- --pc usb -- -no-shutdown
rc=$?
t1=$(date +%s)
echo "(usb: session took $((t1 - t0)) s, status $rc)"

# Every case up to the failed wait passed; that one failed; the rest were not reached.
state=ok
for c in "${cases[@]}"; do
    IFS='|' read -r -a parts <<< "$c"
    name=${parts[0]}
    if [ "$state" = ok ] && [ "$rc" != 0 ] && [ -z "$kbd_failed_step" ]; then state=nostart; fi
    if [ "$state" = ok ]; then
        for s in "${parts[@]:1}"; do
            [ "$s" = "$kbd_failed_step" ] && state=failed
        done
    fi
    case $state in
        ok) pass "$name" ;;
        failed) fail "$name" "'${kbd_failed_step#wait:}' never showed (see $out/usb.qemu.txt, $screen)"
                state=skipped ;;
        nostart) fail "$name" "no shell prompt on the screen (status $rc, see $out/usb.qemu.txt)" ;;
        skipped) fail "$name" "not reached: an earlier step failed" ;;
    esac
done
# The keyboard took the Caps Lock LED report.
if grep -q 'refused its LEDs' "$screen"; then
    fail usb.caps-lock-led "the keyboard refused the LED report"
fi
# Ctrl-C must have thrown the line away, not run it.
if [ "$rc" = 0 ] && grep -q '^lost$' "$screen"; then
    fail usb.ctrl-c-did-not-run-the-line "the abandoned 'echo lost' ran"
fi
[ "$failures" = 0 ]
