#!/bin/sh
# check-apps.sh BUILD - host checks of the built user programs (make BUILD=... apps first).
#
# Layout: every program has three page-aligned PT_LOAD segments R, RX, RW (never W and X
# together) and its entry in the RX one; hello-pie is ET_DYN linked at 0, the others ET_EXEC
# at 0x400000. Behaviour: test/apps/ptrace_run.c runs them on the Linux host with the
# syscall numbers translated, so crt0, PIE self-relocation, stdio and errno really execute.
# Prints one "ok NAME" / "FAIL NAME: reason" line per case; exits non-zero on any FAIL.
set -u
build=${1:?usage: check-apps.sh BUILD}
apps=$build/apps
status=0
pass() { echo "ok $1"; }
fail() { echo "FAIL $1: $2"; status=1; }

# check_layout NAME TYPE BASE
check_layout() {
    f=$apps/$1
    [ -f "$f" ] || { fail "apps.$1.layout" "$f missing"; return; }
    hdr=$(readelf -hW "$f") || { fail "apps.$1.layout" "readelf failed"; return; }
    echo "$hdr" | grep -q "Type: *$2" || { fail "apps.$1.layout" "not $2"; return; }
    entry=$(echo "$hdr" | awk '/Entry point/ { print $4 }')
    readelf -lW "$f" | awk -v base="$3" -v entry="$entry" '
        function hex(s,   i, v, c) { v = 0; s = tolower(s); sub(/^0x/, "", s)
            for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; v = v * 16 + c }
            return v }
        $1 == "LOAD" {
            n++; flags = ""; for (i = 7; i < NF; i++) flags = flags $i
            va = hex($3); if (va % 4096) bad = bad " unaligned"
            if (flags ~ /W/ && flags ~ /E/) bad = bad " W+X"
            if (n == 1 && va != hex(base)) bad = bad " base " $3
            if (flags ~ /E/ && hex(entry) >= va && hex(entry) < va + hex($6)) entry_ok = 1
            seen = seen flags " "
        }
        END {
            if (seen != "R RE RW ") bad = bad " segments " seen
            if (!entry_ok) bad = bad " entry outside RX"
            if (bad != "") { print bad; exit 1 }
        }' > "$apps/$1.layout.txt" 2>&1 &&
        pass "apps.$1.layout" || fail "apps.$1.layout" "$(cat "$apps/$1.layout.txt")"
}

check_layout hello EXEC 0x400000
check_layout init EXEC 0x400000
check_layout hello-pie DYN 0x0

runner=$apps/ptrace_run
if ! gcc -std=gnu17 -O1 -Wall -Wextra -Werror -I"$build/gen/include" test/apps/ptrace_run.c \
        -o "$runner" 2> "$apps/ptrace_run.err"; then
    fail apps.runner-builds "$(head -3 "$apps/ptrace_run.err")"
    exit 1
fi

# expect_run NAME WANT_STATUS WANT_OUTPUT PROGRAM [ARGS...]
expect_run() {
    name=$1 want_status=$2 want=$3; shift 3
    got=$("$runner" "$@" 2>&1); st=$?
    if [ "$st" = "$want_status" ] && [ "$got" = "$want" ]; then pass "$name"; else
        fail "$name" "status $st, output '$got'"; fi
}

expect_run apps.hello-prints-greeting 0 "Hello from Spindle!" "$apps/hello"
expect_run apps.hello-pie-self-relocates 0 "Hello from Spindle!" "$apps/hello-pie"
# No spawn under the host runner: init must report ENOSYS through errno/strerror and exit 127.
expect_run apps.init-reports-spawn-error 127 \
    "init: cannot start /bin/true: Function not implemented" "$apps/init" /bin/true
exit $status
