# shellcheck shell=bash
# bootcase.sh - one bounded QEMU boot and its verdict, for tools/matrix.sh and test/media.sh.
# Sourced by bash scripts run from the repository root.
#
#   bootcase_image SRC DST CMDLINE   copy of disk image SRC with another spindle/cmdline.txt
#   bootcase_run LOG TOTAL STOP [qemu.sh options...]
#       Boots with tools/qemu.sh, serial log in LOG, QEMU's own output in LOG.qemu.txt.
#       Sets bootcase_status: QEMU's exit status (33 ok, 35 failed, 3 panic, 124 total
#       timeout, 0 triple fault or power-off) or "stopped" when the grep pattern STOP (may be
#       empty) appeared in LOG, e.g. a refusal that would otherwise wait for a key forever.
#       Sets bootcase_secs to the wall time.
#   bootcase_reason LOG STATUS       one line saying why a boot did not give exit 33
#
# Invariant: QEMU runs in its own process group (setsid) and is gone when bootcase_run
# returns; qemu.sh's --timeout bounds it even if this shell dies first.

bootcase_image() {
    cp --sparse=always "$1" "$2" || return 1
    printf '%s\n' "$3" > "$2.cmdline"
    mcopy -o -i "$2@@1M" "$2.cmdline" ::/spindle/cmdline.txt
}

bootcase_run() {
    local log=$1 total=$2 stop=$3 pid st=0 t0 t1
    shift 3
    : > "$log"
    bootcase_status=
    t0=$(date +%s%N)
    setsid sh tools/qemu.sh --log "$log" --timeout "$total" "$@" > "$log.qemu.txt" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        sleep 0.5
        if [ -n "$stop" ] && grep -aq -- "$stop" "$log"; then
            sleep 0.5 # let the rest of the message reach the log
            kill -TERM -- -"$pid" 2>/dev/null
            sleep 0.5
            kill -KILL -- -"$pid" 2>/dev/null
            bootcase_status=stopped
            break
        fi
    done
    wait "$pid" || st=$?
    t1=$(date +%s%N)
    bootcase_secs=$(( (t1 - t0) / 100000000 ))
    bootcase_secs="$((bootcase_secs / 10)).$((bootcase_secs % 10))"
    [ -n "$bootcase_status" ] || bootcase_status=$st
}

# Last non-empty serial line, without escape sequences, cut to fit a table.
bootcase_last_line() {
    tr -d '\r' < "$1" | sed 's/\x1b\[[0-9;?=]*[A-Za-z]//g' | grep -av '^[[:space:]]*$' |
        tail -n 1 | cut -c1-90
}

bootcase_reason() {
    local log=$1 status=$2 first
    case $status in
        33) echo "ok" ;;
        35) first=$(grep -a -m1 '^FAIL ' "$log" | tr -d '\r' | cut -c1-90)
            echo "tests failed (exit 35): ${first:-no FAIL line}" ;;
        3)  first=$(grep -a -m1 '^PANIC' "$log" | tr -d '\r' | cut -c1-90)
            echo "kernel panic (exit 3): ${first:-see log}" ;;
        124|137) echo "timeout, no verdict; last line: $(bootcase_last_line "$log")" ;;
        0)  echo "no verdict (triple fault or power-off); last line: $(bootcase_last_line "$log")" ;;
        1|2) echo "QEMU failed: $(tail -n 1 "$log.qemu.txt" | cut -c1-90)" ;;
        stopped) echo "stopped at the expected pattern" ;;
        *)  echo "QEMU exited $status; last line: $(bootcase_last_line "$log")" ;;
    esac
}
