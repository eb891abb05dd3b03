# keyboard.sh - types on the guest's PS/2 keyboard (QEMU `sendkey` on the human monitor) and
# reads the framebuffer console back as text: the shell's keyboard path end to end, with no
# serial port. Sourced by test/run.sh (bash).
#
#   keyboard_session NAME IMAGE OUTFILE READY_PATTERN STEP... [-- qemu.sh options]
#
# Boots IMAGE headless with --no-serial, waits (bounded) until READY_PATTERN (grep) shows on
# the screen, then performs each STEP in order: "type:TEXT" types TEXT then Enter,
# "text:TEXT" types TEXT alone, "keys:K1 K2 ..." sends raw sendkey names (up, left, backspace, ctrl-c, ...), "wait:PAT"
# waits until PAT shows on the screen, "mon:CMD" sends CMD to QEMU's human monitor (e.g.
# device_add, system_powerdown). Finally the screen goes to OUTFILE (fb_text's text).
# Returns 0 when every wait was met, 1 when one timed out (OUTFILE still holds the screen;
# kbd_failed_step names the wait),
# 2 when there was no screen at all. Uses the runner's $build and $out. Every wait is
# bounded (KBD_TIMEOUT seconds per wait, default 60) and QEMU is always gone on return.

# kbd_key_names TEXT: the sendkey name of each character of TEXT, one per line (US layout).
kbd_key_names() {
    local text=$1 i c
    for ((i = 0; i < ${#text}; i++)); do
        c=${text:i:1}
        case $c in
            [a-z0-9]) echo "$c" ;;
            [A-Z]) echo "shift-${c,,}" ;;
            ' ') echo spc ;;          '-') echo minus ;;       '_') echo shift-minus ;;
            '=') echo equal ;;        '+') echo shift-equal ;; '.') echo dot ;;
            ',') echo comma ;;        '/') echo slash ;;       '?') echo shift-slash ;;
            ';') echo semicolon ;;    ':') echo shift-semicolon ;;
            "'") echo apostrophe ;;   '"') echo shift-apostrophe ;;
            '|') echo shift-backslash ;; '\') echo backslash ;;
            '>') echo shift-dot ;;    '<') echo shift-comma ;; '&') echo shift-7 ;;
            '$') echo shift-4 ;;      '*') echo shift-8 ;;     '!') echo shift-1 ;;
            '#') echo shift-3 ;;      '(') echo shift-9 ;;     ')') echo shift-0 ;;
            '[') echo bracket_left ;; ']') echo bracket_right ;;
            '@') echo shift-2 ;;      '%') echo shift-5 ;;     '^') echo shift-6 ;;
            '`') echo grave_accent ;; '~') echo shift-grave_accent ;;
            *) echo "kbd_key_names: no key for '$c'" >&2 ;;
        esac
    done
}

# kbd_grab: screendump into $ppm and decode it into $outfile (the caller's locals).
kbd_grab() {
    local before tries=0
    rm -f "$ppm"
    before=$(grep -ac 'VM status' "$monlog" 2>/dev/null || true)
    printf 'screendump %s\ninfo status\n' "$ppm" >&"$mon_w"
    while [ "$(grep -ac 'VM status' "$monlog" 2>/dev/null || true)" -le "$before" ] &&
          [ "$tries" -lt 50 ]; do
        sleep 0.2; tries=$((tries + 1))
    done
    [ -s "$ppm" ] && "$build/tools/fb_text" "$ppm" > "$outfile" 2>> "$qemu_txt"
}

# kbd_wait_screen PATTERN: polls the screen until PATTERN shows; 1 on timeout.
kbd_wait_screen() {
    local waited=0 limit=${KBD_TIMEOUT:-60}
    while [ "$waited" -lt "$limit" ]; do
        kill -0 "$pid" 2>/dev/null || return 1
        if kbd_grab && grep -q -- "$1" "$outfile"; then return 0; fi
        sleep 1; waited=$((waited + 1))
    done
    return 1
}

kbd_send() {
    local k
    for k in "$@"; do
        printf 'sendkey %s\n' "$k" >&"$mon_w"
        sleep 0.1
    done
}

keyboard_session() {
    local name=$1 img=$2 outfile=$3 ready=$4; shift 4
    local dir steps=() step rc=0 mon_w mon_r reader pid
    dir=$(cd "$out" && pwd) || return 2
    local pipe=$dir/$name.mon ppm=$dir/$name.ppm monlog=$dir/$name.monitor.txt
    local qemu_txt=$dir/$name.qemu.txt
    while [ $# -gt 0 ] && [ "$1" != -- ]; do steps+=("$1"); shift; done
    [ "${1:-}" = -- ] && shift
    : > "$outfile"; : > "$monlog"; : > "$qemu_txt"
    make --no-print-directory BUILD="$build" fb-text >> "$qemu_txt" 2>&1 || return 2
    rm -f "$pipe.in" "$pipe.out"
    mkfifo "$pipe.in" "$pipe.out" || return 2
    exec {mon_w}<>"$pipe.in" {mon_r}<>"$pipe.out"
    cat <&"$mon_r" > "$monlog" &
    reader=$!
    setsid sh tools/qemu.sh --image "$img" --smp "${smp:-1}" --mem "${mem:-512M}" \
        --log "$dir/$name.log" --timeout 300 --monitor-pipe "$pipe" --no-serial "$@" \
        >> "$qemu_txt" 2>&1 &
    pid=$!
    if kbd_wait_screen "$ready"; then
        for step in "${steps[@]}"; do
            case $step in
                type:*) kbd_send $(kbd_key_names "${step#type:}") ret ;;
                text:*) kbd_send $(kbd_key_names "${step#text:}") ;;
                keys:*) kbd_send ${step#keys:} ;;
                wait:*) kbd_wait_screen "${step#wait:}" || { rc=1; kbd_failed_step=$step; break; } ;;
                mon:*) printf '%s\n' "${step#mon:}" >&"$mon_w" ;;
            esac
        done
        sleep 1
        kbd_grab || rc=2
    else
        echo "($name: '$ready' never showed on the screen)" >> "$qemu_txt"
        kill -0 "$pid" 2>/dev/null && rc=1 || rc=2
    fi
    printf 'quit\n' >&"$mon_w" 2>/dev/null
    local tries=0
    while kill -0 "$pid" 2>/dev/null && [ "$tries" -lt 25 ]; do sleep 0.2; tries=$((tries + 1)); done
    kill -TERM -- -"$pid" 2>/dev/null; sleep 0.5; kill -KILL -- -"$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    kill "$reader" 2>/dev/null; wait "$reader" 2>/dev/null
    exec {mon_w}>&- {mon_r}<&-
    rm -f "$pipe.in" "$pipe.out"
    return $rc
}
