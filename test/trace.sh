#!/bin/bash
# trace.sh - in-QEMU tests of system-call tracing (issue 8). Prints one "ok NAME" or
# "FAIL NAME: reason" line per case (test/run.sh collects them); exits 1 if any failed.
#
#   bash test/trace.sh [--build DIR] [--out DIR] [--smp N] [--mem SIZE]
#
# Needs the built image (make BUILD=DIR image). Each boot runs a copy of it with its own
# command line. The trace goes to COM2 (trace_port=com2, QEMU's second -serial file) except
# in the boot that checks the default port; the lines are compared with the expected ones
# after removing what varies between runs: the timestamp, the duration, thread ids and
# user-stack addresses (0x7f...). pids do not vary: init is 1, trace 2, the program 3.
set -u
. test/lib/args.sh
test_args trace "$@"
failures=0
pass() { echo "ok $1"; }
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }

# image NAME CMDLINE: a copy of the built image with another command line.
image() {
    local img=$out/$1.img
    cp --sparse=always "$build/spindle.img" "$img"
    printf '%s\n' "$2" > "$out/$1.cmdline"
    mcopy -o -i "$img@@1M" "$out/$1.cmdline" ::/spindle/cmdline.txt
}

# boot NAME CMDLINE: COM1 to NAME.log, COM2 to NAME.com2; sets status.
# boot NAME CMDLINE [CPUS]: CPUS defaults to --smp.
boot() {
    image "$1" "$2"
    timeout -k 5 150 sh tools/qemu.sh --image "$out/$1.img" --smp "${3:-$smp}" --mem "$mem" \
        --log "$out/$1.log" --log2 "$out/$1.com2" --timeout 120 > "$out/$1.qemu.txt" 2>&1
    status=$?
}

# trace_lines FILE: the trace lines of a serial log, normalised (see the header).
trace_lines() {
    tr -d '\r' < "$1" | grep -aE '^\[[0-9]+\.[0-9]{6}\] [0-9]+:[0-9]+ ' |
        sed -E 's/^\[[0-9.]+\] ([0-9]+):[0-9]+ /\1:T /; s/ <[0-9]+\.[0-9]+(us|ms|s)>$//;
                s/0x7f[0-9a-f]{10}/0xSTACK/g'
}

# expect_status CASE WANT
expect_status() {
    if [ "$status" = "$2" ]; then pass "$1"; else fail "$1" "QEMU exited $status, expected $2"; fi
}

# expect_line CASE FILE LINE: FILE holds LINE exactly.
expect_line() {
    if grep -qxF -- "$3" "$2"; then pass "$1"; else fail "$1" "no line: $3"; fi
}

# ------------------------------------------------------------------ 1. -f to COM2, exact lines
# One CPU: the exact interleaving below (the parent's wait left unfinished while its child
# runs) is what one CPU does; on several the child may be done before the parent waits.
# Even on one CPU a timer tick right after the second spawn can let the crashing child run
# (and die) before its parent's wait begins: then that wait is one line after the death
# instead of unfinished/resumed around it. Both orders are right, so that one is put in the
# order below (the first wait's unfinished/resumed lines are checked as they come).
boot follow "qemu_exit trace_port=com2 -- /bin/trace -f /bin/t_trace_sample" 1
expect_status trace.follow-exits-33 33
trace_lines "$out/follow.com2" | awk '
    /^5:T t_trace_sample \+\+\+ killed by / { killed = $0; next }
    killed != "" && /^3:T t_trace_sample wait\(5, 0xSTACK, 0\) = 5 / {
        ret = $0; sub(/^.* = /, "", ret)
        print "3:T t_trace_sample wait(5, 0xSTACK, 0) <unfinished ...>"
        print killed
        print "3:T t_trace_sample <... wait resumed> = " ret
        killed = ""; next
    }
    killed != "" { print killed; killed = "" }
    { print }
    END { if (killed != "") print killed }' > "$out/follow.lines"
cat > "$out/follow.expected" <<'LINES'
3:T t_trace_sample +++ started by 2: ["/bin/t_trace_sample"] +++
3:T t_trace_sample getpid() = 3
3:T t_trace_sample write(1, "sample: hello\tworld\n", 20) = 20
3:T t_trace_sample write(99, "x", 1) = ERR EBADF
3:T t_trace_sample write(1, 0x1000, 5) = ERR EFAULT
3:T t_trace_sample write(1, 0xffffffff80000000, 4) = ERR EFAULT
3:T t_trace_sample errno() = 14 EFAULT
3:T t_trace_sample spawn(["/bin/a-program-name-longer-than-"...], NULL, NULL, 0) = ERR ENOENT
3:T t_trace_sample spawn(0x10, NULL, NULL, 0) = ERR EFAULT
3:T t_trace_sample spawn(["/bin/x", 0x20], NULL, NULL, 0) = ERR EFAULT
3:T t_trace_sample syscall_200() = ERR ENOSYS
3:T t_trace_sample wait(99, NULL, WNOHANG|0x10) = ERR EINVAL
4:T t_trace_sample +++ started by 3: ["/bin/t_trace_sample", "child"] +++
3:T t_trace_sample spawn(["/bin/t_trace_sample", "child"], NULL, NULL, 0) = 4
3:T t_trace_sample wait(4, 0xSTACK, 0) <unfinished ...>
4:T t_trace_sample write(1, "child: hi\n", 10) = 10
4:T t_trace_sample getpid() = 4
4:T t_trace_sample process_exit(3) = ?
4:T t_trace_sample +++ exited with 3 +++
3:T t_trace_sample <... wait resumed> = 4 [3]
5:T t_trace_sample +++ started by 3: ["/bin/t_trace_sample", "crash"] +++
3:T t_trace_sample spawn(["/bin/t_trace_sample", "crash"], NULL, NULL, 0) = 5
3:T t_trace_sample wait(5, 0xSTACK, 0) <unfinished ...>
5:T t_trace_sample +++ killed by #PF page fault (status 0x18e) +++
3:T t_trace_sample <... wait resumed> = 5 [398]
3:T t_trace_sample kill(9999, 15) = ERR ESRCH
3:T t_trace_sample process_exit(0) = ?
3:T t_trace_sample +++ exited with 0 +++
LINES
if diff -u "$out/follow.expected" "$out/follow.lines" > "$out/follow.diff"; then
    pass trace.follow-lines-match
else
    fail trace.follow-lines-match "trace differs from the expected lines (see below)"
    head -n 40 "$out/follow.diff"
fi
# The same properties one by one, so a change elsewhere names what broke.
f=$out/follow.lines
expect_line trace.string-decoded "$f" '3:T t_trace_sample write(1, "sample: hello\tworld\n", 20) = 20'
expect_line trace.error-named "$f" '3:T t_trace_sample write(99, "x", 1) = ERR EBADF'
expect_line trace.bad-pointer-as-hex "$f" '3:T t_trace_sample write(1, 0x1000, 5) = ERR EFAULT'
expect_line trace.kernel-pointer-not-followed "$f" '3:T t_trace_sample write(1, 0xffffffff80000000, 4) = ERR EFAULT'
expect_line trace.long-string-cut "$f" '3:T t_trace_sample spawn(["/bin/a-program-name-longer-than-"...], NULL, NULL, 0) = ERR ENOENT'
expect_line trace.flags-by-name "$f" '3:T t_trace_sample wait(99, NULL, WNOHANG|0x10) = ERR EINVAL'
expect_line trace.unknown-call "$f" '3:T t_trace_sample syscall_200() = ERR ENOSYS'
expect_line trace.follows-child "$f" '4:T t_trace_sample write(1, "child: hi\n", 10) = 10'
expect_line trace.unfinished-line "$f" '3:T t_trace_sample wait(4, 0xSTACK, 0) <unfinished ...>'
expect_line trace.resumed-line-with-out-value "$f" '3:T t_trace_sample <... wait resumed> = 4 [3]'
expect_line trace.fault-kill-line "$f" '5:T t_trace_sample +++ killed by #PF page fault (status 0x18e) +++'
expect_line trace.exit-line "$f" '3:T t_trace_sample +++ exited with 0 +++'
if tr -d '\r' < "$out/follow.com2" | grep -aE '^\[[0-9]+\.[0-9]{6}\] 3:[0-9]+ t_trace_sample getpid\(\) = 3 <[0-9]+\.[0-9](us|ms)>$' > /dev/null; then
    pass trace.timestamp-and-duration
else
    fail trace.timestamp-and-duration "no '[S.UUUUUU] 3:TID ... <N.Nus>' line"
fi
if [ -s "$out/follow.lines" ] && ! trace_lines "$out/follow.log" | grep -q .; then
    pass trace.com2-keeps-com1-clean
else
    fail trace.com2-keeps-com1-clean "trace lines missing on COM2 or present on COM1"
fi
if grep -aq 'sample: hello' "$out/follow.log"; then pass trace.program-output-on-com1; else
    fail trace.program-output-on-com1 "the traced program's own output is missing"; fi

# ------------------------------------------------------------------ 2. -c: exact counts, no -f
boot count "qemu_exit trace_port=com2 -- /bin/trace -c /bin/t_trace_sample"
expect_status trace.count-exits-33 33
# "calls errors name" of each summary row (the times vary).
tr -d '\r' < "$out/count.com2" | awk '$1 ~ /^[0-9]+$/ && $2 ~ /^[0-9]+$/ && NF == 5 { print $1, $2, $5 }' \
    > "$out/count.rows"
cat > "$out/count.expected" <<'ROWS'
1 0 process_exit
5 3 spawn
1 0 errno
1 0 getpid
4 3 write
3 1 wait
1 1 kill
16 8 total
ROWS
if diff -u "$out/count.expected" "$out/count.rows" > "$out/count.diff"; then
    pass trace.count-summary-exact
else
    fail trace.count-summary-exact "summary rows differ"
    cat "$out/count.diff"
fi
if trace_lines "$out/count.com2" | grep -q '^4:'; then
    fail trace.no-follow-without-f "the child was traced without -f"
else
    pass trace.no-follow-without-f
fi

# ------------------------------------------------------------------ 3. boot flag, default port
boot byname "qemu_exit trace=t_trace_sample -- /bin/t_trace_sample"
expect_status trace.boot-name-exits-33 33
trace_lines "$out/byname.log" > "$out/byname.lines"
expect_line trace.boot-name-on-com1 "$out/byname.lines" '2:T t_trace_sample getpid() = 2'
expect_line trace.boot-name-follows-children "$out/byname.lines" '3:T t_trace_sample getpid() = 3'
if grep -q '^1:' "$out/byname.lines"; then fail trace.boot-name-only-that-program "init was traced"
else pass trace.boot-name-only-that-program; fi
# On COM1 a program's own output comes right before the line of the write that made it.
if tr -d '\r' < "$out/byname.log" | grep -aA1 '^sample: hello' | grep -q 'write(1, "sample: hello'; then
    pass trace.com1-order-is-call-order
else
    fail trace.com1-order-is-call-order "output and its write line are not adjacent"
fi

# ------------------------------------------------------------------ 4. -e filter on a real app
boot filter "qemu_exit trace_port=com2 -- /bin/trace -e write /bin/hello"
expect_status trace.filter-exits-33 33
trace_lines "$out/filter.com2" > "$out/filter.lines"
expect_line trace.filter-shows-call "$out/filter.lines" '3:T hello write(1, "Hello from Spindle!\n", 20) = 20'
if grep -vE '^3:T hello (write\(|\+\+\+ )' "$out/filter.lines" | grep -q .; then
    fail trace.filter-hides-others "lines other than write and +++ were shown"
else
    pass trace.filter-hides-others
fi

[ "$failures" = 0 ]
