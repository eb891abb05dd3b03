#!/bin/sh
# debug.sh - `make debug`: boots the image in QEMU paused at the first instruction with a gdb
# stub, and attaches gdb to the kernel ELF (symbols, source lines) with a hardware breakpoint
# on kernel_main. Type `c` to boot to it, then debug as usual; quitting gdb stops QEMU.
#
#   debug.sh --image IMG --kernel ELF [--port N] [--smp N] [--mem SIZE] [--log FILE]
#            [--gdb-script FILE]
#
# The serial console goes to --log (default /tmp/spindle-debug.log: watch it with tail -f in
# another terminal), since gdb owns this terminal. --gdb-script runs gdb in batch mode with
# those commands instead (used to test this script). A hardware breakpoint (hbreak) works
# before the kernel's own page tables exist; a software one would be written into memory the
# loader has not filled yet.
set -eu
image= kernel= port=1234 smp=1 mem=512M log=/tmp/spindle-debug.log script=
while [ $# -gt 0 ]; do
    case $1 in
        --image) image=$2; shift 2 ;;
        --kernel) kernel=$2; shift 2 ;;
        --port) port=$2; shift 2 ;;
        --smp) smp=$2; shift 2 ;;
        --mem) mem=$2; shift 2 ;;
        --log) log=$2; shift 2 ;;
        --gdb-script) script=$2; shift 2 ;;
        *) echo "debug.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -n "$image" ] && [ -n "$kernel" ] || { echo "debug.sh: --image and --kernel are required" >&2; exit 2; }
command -v gdb > /dev/null || { echo "debug.sh: gdb is missing (apt-get install gdb)" >&2; exit 2; }

# listening PORT: true once something accepts connections on 127.0.0.1:PORT (state 0A in
# /proc/net/tcp; the port is in hex there).
listening() {
    awk -v p="$(printf '%04X' "$1")" '$4 == "0A" && $2 ~ ":" p "$" { f = 1 } END { exit !f }' \
        /proc/net/tcp 2>/dev/null
}

setsid sh "$(dirname "$0")/qemu.sh" --image "$image" --smp "$smp" --mem "$mem" --log "$log" \
    -- -gdb "tcp:127.0.0.1:$port" -S > "$log.qemu.txt" 2>&1 &
qemu=$!
trap 'kill -s TERM -- -$qemu 2>/dev/null || true' EXIT INT TERM

# Wait (bounded) for the stub to listen before gdb connects: QEMU's log says when.
tries=0
while ! listening "$port" && [ "$tries" -lt 50 ]; do
    kill -0 "$qemu" 2>/dev/null || { cat "$log.qemu.txt" >&2; exit 1; }
    sleep 0.2; tries=$((tries + 1))
done

echo "debug: QEMU paused, serial console in $log; in gdb: c (continue), bt, info registers"
if [ -n "$script" ]; then
    gdb -q -batch -ex "target remote 127.0.0.1:$port" -ex "hbreak kernel_main" -x "$script" "$kernel"
else
    gdb -q -ex "set confirm off" -ex "target remote 127.0.0.1:$port" -ex "hbreak kernel_main" \
        "$kernel"
fi
