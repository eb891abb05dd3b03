#!/bin/sh
# bench.sh - runs apps/bench on Spindle and on Linux under the same QEMU settings and prints
# one side-by-side table of medians (docs/performance.md explains the method).
#
#   bench.sh [--build DIR] [--runs N] [--smp N] [--mem SIZE] [--timeout SEC]
#            [--cache DIR] [--no-linux] [--hook-pairs N]
#
# Needs `make bench-build` first (make bench does both). Spindle boots its bench image
# (BUILD/bench/spindle.img, command line `qemu_exit -- /bin/bench`) through tools/qemu.sh;
# Linux is Debian's linux-image-amd64 kernel (fetched once with apt-get download into the
# cache, default build/cache/linux, never committed) booted by the same OVMF with -kernel,
# with the Linux build of bench as /init in an initramfs made here. That same static glibc
# binary also boots on Spindle through its Linux ABI (BUILD/bench/linux-on-spindle/spindle.img:
# the table's third column, same binary on both kernels). They alternate (A B C A B C ...)
# N times (default 3). Then the trace hook's cost (issue 8): pairs of boots of
# BUILD/bench/getpid-hook.img and getpid-nohook.img, which differ only in the kernel (the
# second built with -DSPINDLE_NO_TRACE_HOOK) and run `/bin/bench getpid_gauge`; --hook-pairs N
# (default 6, 0 skips them). Results: BUILD/bench/results.tsv and results.json,
# and results.png when gnuplot or python3 with matplotlib is there.
# Plain sh + awk: python3 is optional (chart only).
set -eu

build=build runs=3 smp=1 mem=512M timeout=300 cache=build/cache/linux linux=yes pairs=6
while [ $# -gt 0 ]; do
    case $1 in
        --build) build=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --smp) smp=$2; shift 2 ;;
        --mem) mem=$2; shift 2 ;;
        --timeout) timeout=$2; shift 2 ;;
        --cache) cache=$2; shift 2 ;;
        --no-linux) linux=no; shift ;;
        --hook-pairs) pairs=$2; shift 2 ;;
        *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

out=$build/bench
img=$out/spindle.img
linux_on_spindle_img=$out/linux-on-spindle/spindle.img
hook_img=$out/getpid-hook.img
nohook_img=$out/getpid-nohook.img
lbin=$out/linux
say() { echo "bench: $*" >&2; }
die() { say "$*"; exit 1; }
[ -r "$img" ] || die "$img missing: run make BUILD=$build bench-build"

ovmf_code=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
ovmf_vars_src=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}

# ---------------------------------------------------------------- Linux kernel (cached)
apt_download() { # PACKAGE: into $cache; refreshes the package lists once if needed
    (cd "$cache" && apt-get download "$1" >/dev/null 2>&1) && return 0
    say "apt-get download $1 failed; running apt-get update once"
    apt-get update >/dev/null 2>&1 || say "apt-get update failed (root needed?)"
    (cd "$cache" && apt-get download "$1" >/dev/null 2>&1)
}

linux_fetch() {
    [ -r "$cache/vmlinuz" ] && return 0
    command -v apt-get >/dev/null || { say "no apt-get: put a bzImage at $cache/vmlinuz"; return 1; }
    mkdir -p "$cache"
    say "fetching Debian's linux-image-amd64 into $cache (once)"
    apt_download linux-image-amd64 || return 1
    meta=$(ls "$cache"/linux-image-amd64_*.deb | tail -n 1)
    # The metapackage depends on the real image package, e.g. linux-image-6.1.0-56-amd64.
    pkg=$(dpkg-deb -f "$meta" Depends | sed 's/[ ,|(].*//')
    [ -n "$pkg" ] || { say "cannot read the image package from $meta"; return 1; }
    apt_download "$pkg" || return 1
    deb=$(ls "$cache/${pkg}"_*.deb | tail -n 1)
    rm -rf "$cache/x" && mkdir -p "$cache/x"
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$cache/x" --wildcards './boot/vmlinuz-*'
    cp "$cache"/x/boot/vmlinuz-* "$cache/vmlinuz"
    echo "$pkg $(dpkg-deb -f "$deb" Version)" > "$cache/version"
    rm -rf "$cache/x" "$deb" # keep only the kernel: the package is mostly modules
}

# ---------------------------------------------------------------- initramfs (cpio newc, in sh)
cpio_pad() { [ "$1" -gt 0 ] && head -c "$1" /dev/zero || true; }

cpio_entry() { # NAME MODE(octal) FILE|- [RDEV_MAJOR RDEV_MINOR]
    size=0
    [ "$3" != - ] && size=$(wc -c < "$3")
    nsize=$(( ${#1} + 1 ))
    cpio_ino=$((cpio_ino + 1))
    printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
        "$cpio_ino" "$(($2))" 0 0 1 0 "$size" 0 0 "${4:-0}" "${5:-0}" "$nsize" 0
    printf '%s\000' "$1"
    cpio_pad $(( (4 - (110 + nsize) % 4) % 4 ))
    if [ "$3" != - ]; then
        cat "$3"
        cpio_pad $(( (4 - size % 4) % 4 ))
    fi
}

initramfs_make() { # OUT
    cpio_ino=0
    {
        cpio_entry dev 040755 -
        cpio_entry dev/console 020600 - 5 1
        cpio_entry init 0100755 "$lbin/bench"
        cpio_entry bench_nop 0100755 "$lbin/bench_nop"
        cpio_entry TRAILER!!! 0 -
    } > "$1"
}

# ---------------------------------------------------------------- one boot of each system
run_spindle() { # IMAGE LOG
    status=0
    sh tools/qemu.sh --image "$1" --smp "$smp" --mem "$mem" --log "$2" \
        --timeout "$timeout" || status=$?
    [ "$status" = 33 ] || say "spindle boot ($1) ended with QEMU status $status (33 = ok)"
}

# Pair i: the kernel with the trace hook and the one without, back to back, in alternating
# order (AB BA AB ...) so a host slowdown drifting over the run is not charged to one side.
# Boots differ by up to 2-3x on a busy host: pairing, and the gauge in getpid_gauge
# (docs/performance.md, "Trace hook cost"), are what make the difference fair.
run_hook_pair() { # PAIR
    if [ $(($1 % 2)) = 1 ]; then
        run_hook_boot "$1" in "$hook_img"
        run_hook_boot "$1" out "$nohook_img"
    else
        run_hook_boot "$1" out "$nohook_img"
        run_hook_boot "$1" in "$hook_img"
    fi
}
run_hook_boot() { # PAIR in|out IMAGE
    say "trace hook pair $1/$pairs: hook compiled $2"
    run_spindle "$3" "$out/run-hook_$2-$1.log"
}

# Same machine, accelerator, CPU model, memory, CPU count and firmware as tools/qemu.sh; the
# kernel comes in through fw_cfg (-kernel), which OVMF boots as an EFI application.
run_linux() { # LOG
    vars=$(mktemp /tmp/spindle-vars.XXXXXX)
    cp "$ovmf_vars_src" "$vars"
    status=0
    timeout --foreground -k 5 "$timeout" qemu-system-x86_64 -machine q35 -accel tcg \
        -cpu max -smp "$smp" -m "$mem" \
        -drive if=pflash,format=raw,unit=0,readonly=on,file="$ovmf_code" \
        -drive if=pflash,format=raw,unit=1,file="$vars" \
        -kernel "$cache/vmlinuz" -initrd "$out/linux-initramfs.cpio" \
        -append "console=ttyS0 quiet panic=-1" -nic none -no-reboot \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -display none -serial file:"$1" -monitor none || status=$?
    rm -f "$vars"
    [ "$status" = 0 ] || say "linux boot ended with QEMU status $status (0 = powered off)"
}

# ---------------------------------------------------------------- main
rm -f "$out"/run-*.log
if [ "$pairs" -gt 0 ] && { [ ! -r "$hook_img" ] || [ ! -r "$nohook_img" ]; }; then
    say "$hook_img or $nohook_img missing (make bench-build builds them): no trace hook figure"
    pairs=0
fi
if [ "$linux" = yes ]; then
    [ -x "$lbin/bench" ] && [ -x "$lbin/bench_nop" ] || die "$lbin missing: run make bench-build"
    if linux_fetch; then
        initramfs_make "$out/linux-initramfs.cpio"
    else
        say "Linux kernel unavailable: Spindle only"
        linux=unavailable
    fi
fi

# Other guests on the host skew TCG timings: record the load so a noisy table shows it.
load_start=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo ?)
i=1
while [ "$i" -le "$runs" ]; do
    say "run $i/$runs: spindle"
    run_spindle "$img" "$out/run-spindle-$i.log"
    if [ -r "$linux_on_spindle_img" ]; then
        say "run $i/$runs: the Linux binary on spindle"
        run_spindle "$linux_on_spindle_img" "$out/run-linuxonspindle-$i.log"
    fi
    if [ "$linux" = yes ]; then
        say "run $i/$runs: linux"
        run_linux "$out/run-linux-$i.log"
    fi
    i=$((i + 1))
done
i=1
while [ "$i" -le "$pairs" ]; do
    run_hook_pair "$i"
    i=$((i + 1))
done

kver=-
[ "$linux" = yes ] && kver=$(cat "$cache/version" 2>/dev/null || echo unknown)
qver=$(qemu-system-x86_64 --version | head -n 1)
load_end=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo ?)
export BENCH_META="smp=$smp mem=$mem runs=$runs trace-hook-pairs=$pairs linux=$kver qemu=$qver host-load=$load_start..$load_end cpus=$(nproc 2>/dev/null || echo ?)"
report=0
awk -f tools/bench-report.awk -v out="$out" -v meta="$BENCH_META" "$out"/run-*.log || report=$?

# Optional chart: ratios per benchmark (log scale: 1 is parity, below is Spindle faster).
if command -v gnuplot >/dev/null 2>&1; then
    gnuplot -e "set terminal pngcairo size 900,500 noenhanced; set output '$out/results.png';
        set style data histograms; set style fill solid; set logscale y; set ylabel 'Spindle / Linux';
        set xtics rotate by -30; set datafile separator '\t'; set key off;
        plot '$out/results.tsv' every ::1 using 4:xtic(1) title 'ratio'" 2>/dev/null \
        && say "chart: $out/results.png" || say "gnuplot failed: no chart"
elif command -v python3 >/dev/null 2>&1 && python3 -c 'import matplotlib' 2>/dev/null; then
    python3 - "$out" <<'EOF' && say "chart: $out/results.png" || say "matplotlib failed: no chart"
import csv, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
out = sys.argv[1]
rows = [r for r in csv.DictReader(open(out + "/results.tsv"), delimiter="\t") if r["ratio"] not in ("", "-")]
plt.figure(figsize=(9, 5))
plt.bar([r["benchmark"] for r in rows], [float(r["ratio"]) for r in rows])
plt.yscale("log"); plt.axhline(1.0, color="gray"); plt.ylabel("Spindle / Linux")
plt.xticks(rotation=30, ha="right"); plt.tight_layout(); plt.savefig(out + "/results.png")
EOF
else
    say "no gnuplot or matplotlib: no chart"
fi
[ "$linux" = unavailable ] && exit 1
exit $report
