#!/bin/sh
# check-abi-doc.sh BUILD - checks that the call table in docs/abi.md (between the
# <!-- BEGIN GENERATED --> / <!-- END GENERATED --> markers) is exactly what the spec
# generates now. Regenerates into BUILD/abi-doc-check, so it needs no earlier make step.
# Prints "ok abi.doc-matches-spec" or "FAIL abi.doc-matches-spec: ..."; exits 1 on FAIL.
# The same for docs/linux-abi.md and include/spindle/linux_syscalls.spec (linux-abi.doc-matches-spec).
set -u
build=${1:?usage: check-abi-doc.sh BUILD}
name=abi.doc-matches-spec
tmp=$build/abi-doc-check
rm -rf "$tmp"
mkdir -p "$tmp"
if ! sh tools/gen-syscalls.sh include/spindle/syscalls.spec "$tmp" 2> "$tmp/gen.err"; then
    echo "FAIL $name: the spec does not generate: $(head -1 "$tmp/gen.err")"
    exit 1
fi
if ! sh tools/gen-syscalls.sh --extract docs/abi.md > "$tmp/doc-table.md"; then
    echo "FAIL $name: docs/abi.md lacks the BEGIN/END GENERATED markers"
    exit 1
fi
# same GENERATED DOC NAME: ok when DOC's table is GENERATED.
same() {
    if cmp -s "$1" "$2"; then
        echo "ok $3"
        return 0
    fi
    first=$(diff "$1" "$2" | grep -m1 '^[<>]' | cut -c1-120)
    echo "FAIL $3: ${4} is stale (run make abi-doc); first difference: $first"
    return 1
}
status=0
same "$tmp/abi-table.md" "$tmp/doc-table.md" "$name" docs/abi.md || status=1
name=linux-abi.doc-matches-spec
if ! sh tools/gen-syscalls.sh --linux include/spindle/linux_syscalls.spec "$tmp" 2> "$tmp/gen.err"; then
    echo "FAIL $name: the spec does not generate: $(head -1 "$tmp/gen.err")"
    exit 1
fi
if ! sh tools/gen-syscalls.sh --extract docs/linux-abi.md > "$tmp/linux-doc-table.md"; then
    echo "FAIL $name: docs/linux-abi.md lacks the BEGIN/END GENERATED markers"
    exit 1
fi
same "$tmp/linux-abi-table.md" "$tmp/linux-doc-table.md" "$name" docs/linux-abi.md || status=1
exit $status
