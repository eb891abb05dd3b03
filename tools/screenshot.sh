#!/bin/sh
# screenshot.sh - saves the guest's screen as a PNG, through QEMU's QMP socket.
#
#   screenshot.sh --socket SOCK --out FILE.png
#       from a QEMU already running with `-qmp unix:SOCK,server=on,wait=off` (make run
#       starts one so); fails (status 1) when nothing answers on SOCK
#   screenshot.sh --image IMG --out FILE.png [--wait SEC] [--smp N] [--mem SIZE]
#       boots IMG headless, waits SEC seconds (default 20), saves the screen and stops QEMU
#
# The QMP client is a few lines of Perl (perl-base is on every Debian system): it greets,
# sends qmp_capabilities and screendump (format png), and waits for each answer. The PNG is
# written by QEMU itself; the path is made absolute since QEMU's working directory may differ.
set -eu
sock= image= out= wait=20 smp=1 mem=512M
while [ $# -gt 0 ]; do
    case $1 in
        --socket) sock=$2; shift 2 ;;
        --image) image=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --wait) wait=$2; shift 2 ;;
        --smp) smp=$2; shift 2 ;;
        --mem) mem=$2; shift 2 ;;
        *) echo "screenshot.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -n "$out" ] || { echo "screenshot.sh: --out is required" >&2; exit 2; }
case $out in /*) ;; *) out=$(pwd)/$out ;; esac

# qmp SOCK COMMAND-JSON...: runs the commands in order; fails on an error answer.
qmp() {
    perl -MIO::Socket::UNIX -e '
        my $s = IO::Socket::UNIX->new(Peer => shift @ARGV) or exit 1;
        $SIG{ALRM} = sub { print STDERR "screenshot: QMP timed out\n"; exit 1 };
        alarm 30;
        my $greeting = <$s>;
        for my $cmd (@ARGV) {
            print $s "$cmd\n";
            while (my $line = <$s>) {
                next if $line =~ /"event"/;
                if ($line =~ /"error"/) { print STDERR "screenshot: $line"; exit 1 }
                last if $line =~ /"return"/;
            }
        }
        exit 0;' "$@"
}

dump() {
    rm -f "$out"
    qmp "$1" '{"execute":"qmp_capabilities"}' \
        "{\"execute\":\"screendump\",\"arguments\":{\"filename\":\"$out\",\"format\":\"png\"}}" &&
        [ -s "$out" ]
}

if [ -n "$sock" ] && [ -S "$sock" ] && dump "$sock"; then
    echo "screenshot: $out"
    exit 0
fi
if [ -z "$image" ]; then
    [ -n "$sock" ] && echo "screenshot.sh: no QEMU answers on $sock" >&2
    exit 1
fi

dir=$(mktemp -d /tmp/spindle-shot.XXXXXX)
trap 'kill -s TERM -- -$qemu 2>/dev/null || true; rm -rf "$dir"' EXIT INT TERM
setsid sh "$(dirname "$0")/qemu.sh" --image "$image" --smp "$smp" --mem "$mem" \
    --log "$dir/serial.log" --timeout $((wait + 60)) \
    -- -qmp "unix:$dir/qmp.sock,server=on,wait=off" > "$dir/qemu.txt" 2>&1 &
qemu=$!
sleep "$wait"
if ! kill -0 "$qemu" 2>/dev/null; then
    echo "screenshot.sh: QEMU ended before the screenshot (guest powered off?)" >&2
    cat "$dir/qemu.txt" >&2
    exit 1
fi
dump "$dir/qmp.sock" || { echo "screenshot.sh: screendump failed" >&2; exit 1; }
qmp "$dir/qmp.sock" '{"execute":"qmp_capabilities"}' '{"execute":"quit"}' 2>/dev/null || true
echo "screenshot: $out"
