# screen.sh - reads the kernel's framebuffer console back as text, for boots with no serial
# port. Sourced by test/run.sh (bash: it uses `local` and dynamically numbered descriptors).
#
#   screen_boot_text NAME IMAGE OUTFILE [qemu.sh options...]
#
# Boots IMAGE with tools/qemu.sh, QEMU's human monitor on two FIFOs ($out/NAME.mon.in/.out)
# and -no-shutdown, so a guest that powers off stays on screen. Every 2 s it asks the monitor
# `info status` until the guest has stopped ("shutdown" in the answer), or until SCREEN_UNTIL
# (a grep pattern, optional) shows in a screendump, or SCREEN_TIMEOUT seconds (default 120)
# have passed. Then it takes a screendump ($out/NAME.ppm), decodes it with fb_text into
# OUTFILE (one line per text row) and quits QEMU.
#
# Returns 0: the guest stopped (or SCREEN_UNTIL showed) and OUTFILE holds the screen;
#         1: it did not in time, OUTFILE holds the screen as it was then (may be empty);
#         2: no screen (QEMU exited or failed to start, tool missing); see $out/NAME.qemu.txt.
# Uses the runner's $build and $out, and $smp/$mem when set. Invariants: every wait is
# bounded, and QEMU (own process group, via setsid) is always gone when the function returns;
# qemu.sh's own --timeout is a second bound should this shell die first.

# screen_monitor_count LOG: how many `info status` answers the monitor has written.
screen_monitor_count() {
    grep -ac 'VM status' "$1" 2>/dev/null || true
}

# screen_grab: screendump into $ppm, decoded into $outfile. Uses the caller's locals.
screen_grab() {
    local before tries=0
    rm -f "$ppm"
    before=$(screen_monitor_count "$monlog")
    # HMP runs commands in order: the `info status` answer shows the dump is written.
    printf 'screendump %s\ninfo status\n' "$ppm" >&"$mon_w"
    while [ "$(screen_monitor_count "$monlog")" -le "$before" ] && [ "$tries" -lt 50 ]; do
        sleep 0.2; tries=$((tries + 1))
    done
    [ -s "$ppm" ] || return 1
    "$fb_text" "$ppm" > "$outfile" 2>> "$qemu_txt"
}

# screen_stop_qemu PID: `quit` on the monitor, then TERM and KILL to its process group.
screen_stop_qemu() {
    local pid=$1 tries=0
    printf 'quit\n' >&"$mon_w" 2>/dev/null
    while kill -0 "$pid" 2>/dev/null && [ "$tries" -lt 50 ]; do
        sleep 0.2; tries=$((tries + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM -- -"$pid" 2>/dev/null; sleep 1; kill -KILL -- -"$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
}

screen_boot_text() {
    local name=$1 img=$2 outfile=$3; shift 3
    local dir fb_text=$build/tools/fb_text limit=${SCREEN_TIMEOUT:-120}
    dir=$(cd "$out" && pwd) || return 2
    local pipe=$dir/$name.mon ppm=$dir/$name.ppm monlog=$dir/$name.monitor.txt
    local qemu_txt=$dir/$name.qemu.txt
    local mon_w mon_r reader pid waited=0 state=timeout rc
    : > "$outfile"; : > "$monlog"; : > "$qemu_txt"
    if ! make --no-print-directory BUILD="$build" fb-text >> "$qemu_txt" 2>&1; then
        echo "($name: could not build $fb_text)" >> "$qemu_txt"; return 2
    fi
    rm -f "$pipe.in" "$pipe.out" "$ppm"
    mkfifo "$pipe.in" "$pipe.out" || return 2
    # Opened read-write here, so no open blocks whether or not QEMU ever starts.
    exec {mon_w}<>"$pipe.in" {mon_r}<>"$pipe.out"
    cat <&"$mon_r" > "$monlog" &
    reader=$!

    # -no-shutdown goes after the caller's `--` if it passed one, else after ours.
    local extra=(-- -no-shutdown) a
    for a in "$@"; do [ "$a" = -- ] && extra=(-no-shutdown); done
    setsid sh tools/qemu.sh --image "$img" --smp "${smp:-1}" --mem "${mem:-512M}" \
        --log "$dir/$name.log" --timeout $((limit + 60)) --monitor-pipe "$pipe" \
        "$@" "${extra[@]}" >> "$qemu_txt" 2>&1 &
    pid=$!

    while :; do
        sleep 2; waited=$((waited + 2))
        if ! kill -0 "$pid" 2>/dev/null; then state=exited; break; fi
        printf 'info status\n' >&"$mon_w"
        sleep 0.3
        if grep -aq 'VM status: .*shutdown' "$monlog"; then state=stopped; break; fi
        if [ -n "${SCREEN_UNTIL:-}" ] && screen_grab && grep -q -- "$SCREEN_UNTIL" "$outfile"; then
            state=seen; break
        fi
        [ "$waited" -ge "$limit" ] && break
    done

    case $state in
        exited) echo "($name: QEMU exited before the screen was read)" >> "$qemu_txt"; rc=2 ;;
        timeout) echo "($name: guest still running after ${limit}s)" >> "$qemu_txt"
                 screen_grab; rc=1 ;;
        *) if screen_grab; then rc=0; else
               echo "($name: screendump failed)" >> "$qemu_txt"; rc=2; fi ;;
    esac
    screen_stop_qemu "$pid"
    kill "$reader" 2>/dev/null; wait "$reader" 2>/dev/null
    exec {mon_w}>&- {mon_r}<&-
    rm -f "$pipe.in" "$pipe.out"
    return $rc
}
