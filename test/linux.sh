#!/bin/bash
# linux.sh - unmodified static Linux programs on Spindle (issue 19), in one QEMU boot. Prints
# one "ok NAME" or "FAIL NAME: reason" line per case (test/run.sh collects them); exits 1 if
# any failed.
#
#   bash test/linux.sh [--build DIR] [--out DIR] [--smp N] [--mem SIZE]
#
# Needs `make linux-test` (BUILD/linux: the programs of test/linux/*.c built with musl-gcc
# -static, as musl static PIEs, with gcc -static and gcc -static-pie, and BUILD/linux/spindle.img, whose root
# has them in /linux with run-all.sh). Each program runs here on the host and on Spindle with
# a scratch directory as its argument; the outputs and exit statuses must be identical
# (differential); so must Debian's busybox-static running test/linux/busybox.cmds. What
# cannot match the host (the /proc files busybox ps, top and free read) runs from
# test/linux/spindle-only.sh and is matched by pattern (linux.spindle.*). The same
# boot traces basics-musl to COM2 (its lines must carry Linux call
# names) and then runs /linux/hostile, which must report only ok lines and leave the kernel
# standing with every page and heap byte back (/bin/free before and after).
set -u
. test/lib/args.sh
smp=2
test_args linux "$@"
mkdir -p "$out/host" "$out/spindle"
failures=0
pass() { echo "ok $1"; }
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }

bins=$(ls "$build/linux/bin" 2>/dev/null)
if [ -z "$bins" ] || [ ! -f "$build/linux/spindle.img" ]; then
    fail linux.built "no $build/linux/bin or spindle.img (run make linux-test)"
    exit 1
fi

# 1. On the host: the same "=== status N" header the Spindle script prints, then stdout.
scratch=$(mktemp -d)
for b in $bins; do
    "$build/linux/bin/$b" "$scratch/lx-$b" > "$out/host/$b.out" 2> /dev/null
    { echo "=== status $?"; cat "$out/host/$b.out"; } > "$out/host/$b"
done
rm -rf "$scratch"
# Debian's busybox-static with the commands of test/linux/busybox.cmds, as busybox-N.
n=0
while IFS= read -r c; do
    n=$((n + 1)); b=busybox-$n; bins="$bins $b"
    c=$(printf '%s' "$c" | sed "s|@IN@|test/linux/busybox-input.txt|g")
    sh -c "/bin/busybox $c" > "$out/host/$b.out" 2> /dev/null
    { echo "=== status $?"; cat "$out/host/$b.out"; } > "$out/host/$b"
done < test/linux/busybox.cmds

# 2. One boot: every program (run-all.sh), traced basics-musl on COM2, then hostile.
img=$out/linux.img
cp --sparse=always "$build/linux/spindle.img" "$img"
printf '%s\n' 'qemu_exit trace=basics-musl trace_port=com2 -- /bin/sh -c "/bin/sh /linux/run-all.sh; /bin/sh /linux/spindle-only.sh; /bin/trace -e mmap,futex /linux/threads-musl > /dev/null; free; /linux/hostile; sleep 0.5; free; /linux/hostile vfork-sleep & sleep 0.5; kill $!; wait; echo vfork-parent-killed; free"' > "$out/cmdline.txt"
mcopy -o -i "$img@@1M" "$out/cmdline.txt" ::/spindle/cmdline.txt
start=$(date +%s)
sh tools/qemu.sh --image "$img" --smp "$smp" --mem "$mem" --log "$out/com1.log" \
    --log2 "$out/com2.log" --timeout 240 > /dev/null 2>&1
status=$?
echo "linux: boot took $(( $(date +%s) - start )) s"
tr -d '\r' < "$out/com1.log" > "$out/com1.txt"
if [ "$status" = 33 ]; then pass linux.boot-exits-33; else fail linux.boot-exits-33 "QEMU exit $status"; fi

# 3. Split the console log per program; kernel lines ("linux: pid ...") are not output.
awk -v dir="$out/spindle" '
    /^=== status / { if (f) print > f; next }
    /^=== / { f = dir "/" substr($0, 5); printf "" > f; next }
    /^hostile: |^vfork-parent-killed|^(ok|FAIL) linux\.hostile\.|^ +total KiB|^memory |^kernel heap:|^per-process limit:/ { f = ""; next }
    /^init: / { f = "" }
    /^=== spindle-end/ { f = ""; next }
    /^linux: pid / { next }
    f { print > f }
' "$out/com1.txt"
for b in $bins; do
    if [ ! -f "$out/spindle/$b" ]; then
        fail "linux.same-output.$b" "never ran on Spindle"
    elif cmp -s "$out/host/$b" "$out/spindle/$b"; then
        pass "linux.same-output.$b"
    else
        first=$(diff "$out/host/$b" "$out/spindle/$b" | grep -m1 '^[<>]' | cut -c1-100)
        fail "linux.same-output.$b" "differs from the host: $first"
    fi
done
missing=$(grep -a '^linux: pid .* not implemented' "$out/com1.txt" | grep -v '(hostile)' | head -3)
if [ -z "$missing" ]; then pass linux.no-missing-calls
else fail linux.no-missing-calls "$(echo "$missing" | head -1)"; fi

# Spindle only (test/linux/spindle-only.sh): the Linux-format /proc files and the busybox
# tools that read them; values differ from the host's, so each section is matched by pattern.
spindle_check() { # NAME SECTION ERE: a line of SECTION's output matches ERE
    if grep -aqE "$3" "$out/spindle/spindle-$2" 2> /dev/null; then pass "linux.spindle.$1"
    else fail "linux.spindle.$1" "no line matching '$3' in $out/spindle/spindle-$2"; fi
}
spindle_check ps-lists-processes ps '^ +1 +[^ ]+ +\[init\]$'
spindle_check ps-lists-itself ps '^ +[0-9]+ +[^ ]+ +\[busybox\]$'
for f in MemTotal MemFree MemAvailable; do
    spindle_check "meminfo.$f" meminfo "^$f: +[1-9][0-9]* kB$"
done
spindle_check uptime uptime '^[0-9]+\.[0-9]{2} [0-9]+\.[0-9]{2}$'
spindle_check cpuinfo-one-block-per-cpu cpuinfo "^$smp\$"
spindle_check cpuinfo-flags cpuinfo '^flags	+: .*\bsse2\b'
spindle_check self-stat stat '^[0-9]+ \(busybox\) R [0-9]+ [0-9]+ [0-9]+ 0 -1( [0-9]+){44}$'
spindle_check free free '^Mem: +[1-9][0-9]* +[0-9]+ +[1-9][0-9]*'
spindle_check top-cpu-line top '^CPU: +[0-9]+% usr'
spindle_check top-lists-itself top '^ +[0-9]+ +[0-9]+ +[^ ]+ +R +[0-9]+ .*\[busybox\]$'

# 4. The trace of basics-musl shows Linux names, decoded arguments and -1 ERRNO failures.
tr -d '\r' < "$out/com2.log" > "$out/com2.txt" 2> /dev/null
for want in 'basics-musl arch_prctl(4098, 0x' 'basics-musl set_tid_address(0x' \
            'basics-musl open("/nonexistent/x", O_RDONLY|O_LARGEFILE, 438) = -1 ENOENT' \
            'basics-musl exit_group(3) = ?' 'basics-musl clock_gettime(1, 0x'; do
    if grep -aqF "$want" "$out/com2.txt"; then pass "linux.trace: $want"
    else fail "linux.trace: $want" "no such line in $out/com2.txt"; fi
done

# trace -e names native calls: a Linux program shows their Linux namesakes only.
if grep -aq 'threads-musl mmap(' "$out/com2.txt" && ! grep -aqE 'threads-musl (clone|arch_prctl|brk)\(' "$out/com2.txt"; then
    pass linux.trace-filter-by-name
else
    fail linux.trace-filter-by-name "trace -e mmap,futex of threads-musl: no mmap line, or other calls shown"
fi

# 5. hostile: its own verdicts, and the one console line per missing call.
grep -aE '^(ok|FAIL) linux\.hostile\.' "$out/com1.txt"
failures=$((failures + $(grep -acE '^FAIL linux\.hostile\.' "$out/com1.txt")))
if grep -aq '^hostile: done' "$out/com1.txt"; then pass linux.hostile.finished
else fail linux.hostile.finished "hostile did not get to its end"; fi
# The leak check: free memory and kernel heap (native /bin/free) before and after hostile.
mem=$(grep -a -e '^memory ' -e '^kernel heap:' "$out/com1.txt" | head -4)
if [ "$(echo "$mem" | wc -l)" = 4 ] && [ "$(echo "$mem" | sed -n 1,2p)" = "$(echo "$mem" | sed -n 3,4p)" ]; then
    pass linux.hostile.no-leak
else
    fail linux.hostile.no-leak "memory before/after hostile: $(echo $mem)"
fi
# A vfork parent killed while its child sleeps in the borrowed space: both end, nothing leaks.
if grep -aq '^vfork-parent-killed' "$out/com1.txt" && ! grep -aq 'parent resumed' "$out/com1.txt" &&
   [ "$(grep -a '^memory ' "$out/com1.txt" | sed -n 2p)" = "$(grep -a '^memory ' "$out/com1.txt" | sed -n 3p)" ]; then
    pass linux.hostile.vfork-parent-killed
else
    fail linux.hostile.vfork-parent-killed "no clean end of a killed vfork parent (or its memory stayed)"
fi
if grep -aq '^linux: pid [0-9]* (hostile): syscall 27 mincore not implemented$' "$out/com1.txt"; then
    pass linux.enosys-console-line
else
    fail linux.enosys-console-line "no 'syscall 27 mincore not implemented' line for hostile"
fi
dups=$(grep -a '^linux: pid .* not implemented' "$out/com1.txt" | sort | uniq -d | head -1)
if [ -z "$dups" ]; then
    pass linux.enosys-line-once-per-call
else
    fail linux.enosys-line-once-per-call "printed twice: $dups"
fi
exit $((failures > 0))
