#!/bin/sh
# check-abi-doc.sh BUILD - checks that the call table in docs/abi.md (between the
# <!-- BEGIN GENERATED --> / <!-- END GENERATED --> markers) is exactly what the spec
# generates now. Regenerates into BUILD/abi-doc-check, so it needs no earlier make step.
# Prints "ok abi.doc-matches-spec" or "FAIL abi.doc-matches-spec: ..."; exits 1 on FAIL.
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
if cmp -s "$tmp/abi-table.md" "$tmp/doc-table.md"; then
    echo "ok $name"
else
    first=$(diff "$tmp/abi-table.md" "$tmp/doc-table.md" | grep -m1 '^[<>]' | cut -c1-120)
    echo "FAIL $name: docs/abi.md is stale (run make abi-doc); first difference: $first"
    exit 1
fi
