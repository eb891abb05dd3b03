#!/bin/sh
# gen-syscalls.sh - generates every system-call artifact from include/spindle/syscalls.spec.
#
#   sh tools/gen-syscalls.sh SPEC OUTDIR
#       writes OUTDIR/include/spindle/syscall_nums.h   SYS_* numbers, SYS_COUNT, SYSCALL_LIST(X)
#              OUTDIR/include/spindle/syscall_stubs.h  typed prototypes of the user stubs
#              OUTDIR/syscall_stubs.S                   one user stub per call (sys_NAME)
#              OUTDIR/syscall_meta.c                    the kernel's table for the tracer
#              OUTDIR/abi-table.md                      the table for docs/abi.md
#              OUTDIR/include/spindle/syscall_protos.h  the kernel handlers' typed prototypes
#   sh tools/gen-syscalls.sh --splice DOC TABLE
#       prints DOC with the lines between <!-- BEGIN GENERATED --> and <!-- END GENERATED -->
#       replaced by TABLE (used by `make abi-doc`).
#   sh tools/gen-syscalls.sh --extract DOC
#       prints the lines between the markers (used by test/check-abi-doc.sh).
#
# POSIX sh and awk only (mawk is enough; no gawk extensions), so a fresh Debian can build.
# The spec is validated on every run (numbers dense and in order, names unique, kinds known,
# buffer lengths naming a real argument); any problem fails the build with SPEC:LINE: reason.
# Each output is written to a temporary file and renamed, so a failed run leaves no half file.
set -eu

BEGIN_MARK='<!-- BEGIN GENERATED -->'
END_MARK='<!-- END GENERATED -->'

# ---------------------------------------------------------------- doc splicing
if [ "${1:-}" = "--splice" ]; then
    [ $# -eq 3 ] || { echo "usage: $0 --splice DOC TABLE" >&2; exit 2; }
    awk -v b="$BEGIN_MARK" -v e="$END_MARK" -v table="$3" '
        $0 == b { print; while ((getline l < table) > 0) print l; skip = 1; seen++; next }
        $0 == e { skip = 0; seen++ }
        !skip { print }
        END { if (seen != 2) { print "gen-syscalls: markers missing in doc" > "/dev/stderr"; exit 1 } }
    ' "$2"
    exit
fi
if [ "${1:-}" = "--extract" ]; then
    [ $# -eq 2 ] || { echo "usage: $0 --extract DOC" >&2; exit 2; }
    awk -v b="$BEGIN_MARK" -v e="$END_MARK" '
        $0 == b { inside = 1; seen++; next }
        $0 == e { inside = 0; seen++; next }
        inside { print }
        END { if (seen != 2) exit 1 }
    ' "$2"
    exit
fi


# ---------------------------------------------------------------- parser (shared by every output)
# After parsing: n calls; for call i: num[i] name[i] ret[i] argc[i] errs[i] desc[i];
# for argument j of call i: an[i,j] ak[i,j] ap[i,j] (name, kind, parameter) and, for ubuf_*,
# alen[i,j] = index of the length argument.
PARSER='
function die(msg) { printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"; failed = 1; exit 1 }
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
BEGIN {
    split("void status errno int uint size off ns fd pid tid uptr", t, " ")
    for (k in t) retkinds[t[k]] = 1
    split("int uint size off ns fd pid tid ustr ustrv uptr", t, " ")
    for (k in t) plainkinds[t[k]] = 1
    split("flags ubuf_in ubuf_out ubuf_io uptr_in uptr_out", t, " ")
    for (k in t) paramkinds[t[k]] = 1
    n = 0
}
/^[ \t]*(#|$)/ { next }
{
    p1 = index($0, "|")
    if (p1 == 0) die("expected NUM NAME RET ARGS | ERRORS | DESCRIPTION")
    head = substr($0, 1, p1 - 1)
    rest = substr($0, p1 + 1)
    p2 = index(rest, "|")
    if (p2 == 0) die("missing the second | (errors | description)")
    errors = trim(substr(rest, 1, p2 - 1))
    d = trim(substr(rest, p2 + 1))
    if (d == "") die("missing description")
    nf = split(head, f, " ")
    if (nf < 3) die("expected NUM NAME RET")
    if (f[1] !~ /^[0-9]+$/) die("bad call number " f[1])
    if (!linux && f[1] + 0 != n) die("call number " f[1] " out of order: expected " n)
    if (linux && n > 0 && f[1] + 0 <= num[n - 1]) die("call number " f[1] " not above " num[n - 1])
    if (f[2] !~ /^[a-z_][a-z0-9_]*$/) die("bad call name " f[2])
    if (f[2] in byname) die("duplicate call name " f[2])
    if (!(f[3] in retkinds)) die("unknown return kind " f[3])
    if (nf - 3 > 6) die("more than 6 arguments")
    i = n++
    num[i] = f[1] + 0; name[i] = f[2]; ret[i] = f[3]; argc[i] = nf - 3; desc[i] = d
    byname[f[2]] = i
    if (linux) {
        # The second field of a Linux line is how much of the call is there.
        if (errors !~ /^(full|partial|fallback|enosys)$/) die("status must be full, partial, fallback or enosys")
        status[i] = errors
        errors = "-"
    }
    if (errors == "-") errors = ""
    ne = split(errors, e, " ")
    for (k = 1; k <= ne; k++)
        if (e[k] !~ /^E[A-Z0-9]+$/) die("bad error name " e[k])
    errs[i] = errors
    for (j = 0; j < argc[i]; j++) {
        c = split(f[j + 4], a, ":")
        if (c < 2 || c > 3 || a[1] !~ /^[a-z_][a-z0-9_]*$/) die("bad argument " f[j + 4] " (want name:kind[:param])")
        for (k = 0; k < j; k++) if (an[i, k] == a[1]) die("duplicate argument name " a[1])
        if (a[2] in plainkinds) { if (c != 2) die("kind " a[2] " takes no parameter") }
        else if (a[2] in paramkinds) { if (c != 3 || a[3] == "") die("kind " a[2] " needs :param") }
        else die("unknown argument kind " a[2])
        an[i, j] = a[1]; ak[i, j] = a[2]; ap[i, j] = (c == 3) ? a[3] : ""
        if (a[2] == "flags" && a[3] !~ /^[A-Z][A-Z0-9_]*$/) die("bad flag set name " a[3])
        if (a[2] ~ /^uptr_(in|out)$/ && a[3] !~ /^[A-Za-z_][A-Za-z0-9_]*$/) die("bad type " a[3])
    }
    for (j = 0; j < argc[i]; j++) {
        alen[i, j] = -1
        if (ak[i, j] !~ /^ubuf_/) continue
        for (k = 0; k < argc[i]; k++) if (an[i, k] == ap[i, j]) alen[i, j] = k
        if (alen[i, j] < 0) die("length argument " ap[i, j] " of " an[i, j] " is not an argument")
        if (ak[i, alen[i, j]] != "size") die("length argument " ap[i, j] " must be of kind size")
    }
}
END { if (failed) exit 1; if (n == 0) { print FILENAME ": no calls" > "/dev/stderr"; exit 1 } }
'

# gen FILE EMITTER: runs the parser plus the emitter, writes FILE atomically.
linux=0
gen() {
    awk -v linux=$linux "$PARSER$2" "$spec" > "$1.tmp" || { rm -f "$1.tmp"; exit 1; }
    mv "$1.tmp" "$1"
}

# C types of the spec's kinds (user stubs and the Linux handler prototypes).
CTYPES='
function ctype(kind, param) {
    if (kind == "int" || kind == "off") return "int64_t"
    if (kind == "ustr") return "const char *"
    if (kind == "ustrv") return "const char *const *"
    if (kind == "ubuf_in") return "const void *"
    if (kind == "ubuf_out" || kind == "ubuf_io" || kind == "uptr") return "void *"
    if (kind == "uptr_out") return param " *"
    if (kind == "uptr_in") return "const " param " *"
    return "uint64_t"
}
function cparams(i,    s, j, ty) {
    s = ""
    for (j = 0; j < argc[i]; j++) {
        ty = ctype(ak[i, j], ap[i, j])
        s = s (j ? ", " : "") ty (ty ~ /\*$/ ? "" : " ") an[i, j]
    }
    return argc[i] ? s : "void"
}
'

# The flag-name tables and the syscall_meta_t initializers, shared by both ABIs' tables:
# PFX names the X-macro lists (SPINDLE_FLAGS_ or LINUX_FLAGS_), TABLE the array, IDX(i) its index.
META='
function meta_emit(pfx, table, size,    i, j, k, ne, e, s) {
    print "#define FLAG_(name, value, mask) { #name, value, mask },"
    for (i = 0; i < n; i++) for (j = 0; j < argc[i]; j++) {
        if (ak[i, j] != "flags" || (ap[i, j] in sets)) continue
        sets[ap[i, j]] = 1
        printf "static const syscall_flag_name_t flags_%s[] = { %s%s(FLAG_) { NULL, 0, 0 } };\n", ap[i, j], pfx, ap[i, j]
    }
    print ""
    for (i = 0; i < n; i++) {
        if (errs[i] == "") continue
        ne = split(errs[i], e, " ")
        s = ""
        for (k = 1; k <= ne; k++) s = s (k > 1 ? ", " : "") e[k]
        printf "static const uint16_t errors_%s[] = { %s };\n", name[i], s
    }
    print ""
    printf "const syscall_meta_t %s[%s] = {\n", table, size
    for (i = 0; i < n; i++) {
        ne = split(errs[i], e, " ")
        printf "    [%d] = {\n        .name = \"%s\", .ret = SYSCALL_RET_%s, .argc = %d,\n", num[i], name[i], toupper(ret[i]), argc[i]
        if (ne) printf "        .errors = errors_%s, .error_count = %d,\n", name[i], ne
        if (argc[i]) {
            print "        .args = {"
            for (j = 0; j < argc[i]; j++) {
                k = ak[i, j]
                printf "            { .name = \"%s\", .kind = SYSCALL_ARG_%s, .len_arg = %d", an[i, j], toupper(k), alen[i, j]
                if (k == "flags") printf ", .flags = flags_%s", ap[i, j]
                if (k ~ /^uptr_(in|out)$/) printf ", .type = \"%s\", .type_size = sizeof(%s)", ap[i, j], ap[i, j]
                print " },"
            }
            print "        },"
        }
        print "    },"
    }
    print "};"
}
'

# ---------------------------------------------------------------- the Linux table (--linux)
# sh tools/gen-syscalls.sh --linux SPEC OUTDIR writes, from include/spindle/linux_syscalls.spec
# (same line format, numbers increasing with gaps, the second field full|partial|fallback|enosys;
# fallback: -ENOSYS without the console line, for calls libcs probe and then do without):
#   OUTDIR/include/spindle/linux_syscalls.h  LINUX_NR_* numbers, LINUX_NR_COUNT and the typed
#                                            prototype of every handler (linux_sys_NAME)
#   OUTDIR/linux_syscall_table.c             the dispatch table (NULL: ENOSYS) and the
#                                            tracer's syscall_meta_t for every listed call
#   OUTDIR/linux-abi-table.md                the table for docs/linux-abi.md
if [ "${1:-}" = "--linux" ]; then
    [ $# -eq 3 ] || { echo "usage: $0 --linux SPEC OUTDIR" >&2; exit 2; }
    spec=$2 out=$3 linux=1
    mkdir -p "$out/include/spindle"
    HEADER_NOTE="generated by tools/gen-syscalls.sh from $spec - do not edit"
    gen "$out/include/spindle/linux_syscalls.h" "$CTYPES"'
END {
    print "/* linux_syscalls.h - '"$HEADER_NOTE"'"
    print " *"
    print " * Every handler returns its result or -errno (Linux convention). */"
    print "#ifndef SPINDLE_LINUX_SYSCALLS_H"
    print "#define SPINDLE_LINUX_SYSCALLS_H"
    print ""
    print "#include <stdint.h>"
    print "#include <spindle/linux_abi.h>"
    print ""
    for (i = 0; i < n; i++) printf "#define LINUX_NR_%s %d\n", name[i], num[i]
    printf "#define LINUX_NR_COUNT %d\n\n", num[n - 1] + 1
    for (i = 0; i < n; i++)
        if (status[i] ~ /^(full|partial)$/) printf "int64_t linux_sys_%s(%s);\n", name[i], cparams(i)
    print ""
    print "#endif"
}'
    gen "$out/linux_syscall_table.c" "$META"'
END {
    print "/* linux_syscall_table.c - '"$HEADER_NOTE"' */"
    print "#include <stddef.h>"
    print "#include <stdint.h>"
    print "#include <spindle/abi.h>"
    print "#include <spindle/errno.h>"
    print "#include <spindle/syscall_meta.h>"
    print "#include <spindle/linux_syscalls.h>"
    print ""
    print "typedef int64_t (*linux_fn_t)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);"
    print "int64_t linux_sys_fallback(void); /* -ENOSYS without the console line */"
    print "const linux_fn_t linux_syscall_table[LINUX_NR_COUNT] = {"
    for (i = 0; i < n; i++) {
        if (status[i] ~ /^(full|partial)$/) printf "    [%d] = (linux_fn_t)(void (*)(void))linux_sys_%s,\n", num[i], name[i]
        if (status[i] == "fallback") printf "    [%d] = (linux_fn_t)(void (*)(void))linux_sys_fallback,\n", num[i]
    }
    print "};"
    print ""
    meta_emit("LINUX_FLAGS_", "linux_syscall_meta", "LINUX_NR_COUNT")
}'
    gen "$out/linux-abi-table.md" '
function md(s) { gsub(/\|/, "\\|", s); return s }
END {
    print "<!-- " "'"$HEADER_NOTE"'" ": run `make abi-doc` -->"
    print ""
    print "| # | Call | Arguments | Support | Notes |"
    print "|--:|------|-----------|---------|-------|"
    for (i = 0; i < n; i++) {
        s = ""
        for (j = 0; j < argc[i]; j++)
            s = s (j ? ", " : "") "`" an[i, j] "`"
        if (s == "") s = "-"
        st = status[i] == "enosys" ? "ENOSYS" : status[i] == "fallback" ? "ENOSYS (quiet)" : status[i]
        printf "| %d | `%s` | %s | %s | %s |\n", num[i], name[i], s, st, md(desc[i])
    }
}'
    exit
fi

[ $# -eq 2 ] || { echo "usage: $0 SPEC OUTDIR" >&2; exit 2; }
spec=$1 out=$2
mkdir -p "$out/include/spindle"

HEADER_NOTE="generated by tools/gen-syscalls.sh from include/spindle/syscalls.spec - do not edit"

# ---------------------------------------------------------------- syscall_nums.h
gen "$out/include/spindle/syscall_nums.h" '
END {
    print "/* syscall_nums.h - '"$HEADER_NOTE"' */"
    print "#ifndef SPINDLE_SYSCALL_NUMS_H"
    print "#define SPINDLE_SYSCALL_NUMS_H"
    print ""
    for (i = 0; i < n; i++) printf "#define SYS_%s %d\n", toupper(name[i]), num[i]
    print ""
    printf "#define SYS_COUNT %d\n", n
    print "#define SYSCALL_MAX_ARGS 6"
    print ""
    print "/* X(number, name, NAME, argc) for every call, in number order. */"
    print "#define SYSCALL_LIST(X) \\"
    for (i = 0; i < n; i++)
        printf "    X(%d, %s, %s, %d)%s\n", num[i], name[i], toupper(name[i]), argc[i], i < n - 1 ? " \\" : ""
    print ""
    print "#endif"
}'

# ---------------------------------------------------------------- syscall_stubs.h
gen "$out/include/spindle/syscall_stubs.h" "$CTYPES"'
function rtype(kind) {
    if (kind == "void") return "_Noreturn void"
    if (kind == "int" || kind == "off") return "int64_t"
    if (kind == "uptr") return "void *"
    return "uint64_t"
}
END {
    print "/* syscall_stubs.h - '"$HEADER_NOTE"'"
    print " *"
    print " * The raw user stubs: each returns RAX unchanged (ERR, or NULL for pointer results, on"
    print " * failure; the code is then available from sys_errno()). The C runtime wraps them. */"
    print "#ifndef SPINDLE_SYSCALL_STUBS_H"
    print "#define SPINDLE_SYSCALL_STUBS_H"
    print ""
    print "#include <stdint.h>"
    print "#include <spindle/abi.h>"
    print ""
    for (i = 0; i < n; i++) {
        rt = rtype(ret[i])
        printf "%s%ssys_%s(%s);\n", rt, rt ~ /\*$/ ? "" : " ", name[i], cparams(i)
    }
    print ""
    print "#endif"
}'

# ---------------------------------------------------------------- syscall_stubs.S
gen "$out/syscall_stubs.S" '
END {
    print "/* syscall_stubs.S - '"$HEADER_NOTE"'"
    print " *"
    print " * SysV passes the 4th argument in RCX, which `syscall` overwrites with the return address,"
    print " * so it moves to R10. Each stub has its own section so --gc-sections drops unused ones. */"
    for (i = 0; i < n; i++) {
        print ""
        printf "    .section .text.sys_%s, \"ax\", @progbits\n", name[i]
        printf "    .globl sys_%s\n    .type sys_%s, @function\n    .p2align 4\n", name[i], name[i]
        printf "sys_%s:\n", name[i]
        printf "    mov $%d, %%eax\n", num[i]
        if (argc[i] >= 4) print "    mov %rcx, %r10"
        print "    syscall"
        print (ret[i] == "void") ? "    ud2" : "    ret"
        printf "    .size sys_%s, . - sys_%s\n", name[i], name[i]
    }
    print ""
    print "    .section .note.GNU-stack, \"\", @progbits"
}'

# ---------------------------------------------------------------- syscall_meta.c
gen "$out/syscall_meta.c" "$META"'
END {
    print "/* syscall_meta.c - '"$HEADER_NOTE"'"
    print " *"
    print " * The tracer'"'"'s description of every call (see include/spindle/syscall_meta.h). Flag names"
    print " * come from the SPINDLE_FLAGS_* lists in abi.h and error codes from errno.h, so a set or"
    print " * code the spec names but the headers lack is a compile error. */"
    print "#include <stddef.h>"
    print "#include <stdint.h>"
    print "#include <spindle/abi.h>"
    print "#include <spindle/errno.h>"
    print "#include <spindle/syscall_meta.h>"
    print ""
    meta_emit("SPINDLE_FLAGS_", "syscall_meta_table", "SYS_COUNT")
}'

# ---------------------------------------------------------------- abi-table.md
gen "$out/abi-table.md" '
function md(s) { gsub(/\|/, "\\|", s); return s }
END {
    print "<!-- " "'"$HEADER_NOTE"'" ": run `make abi-doc` -->"
    print ""
    print "| # | Call | Arguments | Returns | Errors | Description |"
    print "|--:|------|-----------|---------|--------|-------------|"
    for (i = 0; i < n; i++) {
        s = ""
        for (j = 0; j < argc[i]; j++)
            s = s (j ? ", " : "") "`" an[i, j] "`: " ak[i, j] (ap[i, j] != "" ? "(" ap[i, j] ")" : "")
        if (s == "") s = "-"
        ne = split(errs[i], e, " ")
        el = ""
        for (k = 1; k <= ne; k++) el = el (k > 1 ? " " : "") e[k]
        if (el == "") el = "-"
        printf "| %d | `%s` | %s | %s | %s | %s |\n", num[i], name[i], s, ret[i], el, md(desc[i])
    }
}'

# ---------------------------------------------------------------- syscall_protos.h
# The kernel side: the type every handler must have. User-memory kinds become uptr_t
# (kernel/uaccess.h), which only the uaccess functions take; SYSCALL_DEFINE (syscall/
# syscall.h) declares the handler with this type, so a handler that disagrees with the spec
# does not compile.
gen "$out/include/spindle/syscall_protos.h" '
function ktype(kind) {
    if (kind == "int" || kind == "off") return "int64_t"
    if (kind ~ /^(ustr|ustrv|ubuf_in|ubuf_out|ubuf_io|uptr|uptr_in|uptr_out)$/) return "uptr_t"
    return "uint64_t"
}
END {
    print "/* syscall_protos.h - '"$HEADER_NOTE"'"
    print " *"
    print " * syscall_proto_SYS_NAME_t: the function type of the kernel handler of each call. Every"
    print " * handler returns the 64-bit RAX value; user memory arrives as uptr_t. */"
    print "#ifndef SPINDLE_SYSCALL_PROTOS_H"
    print "#define SPINDLE_SYSCALL_PROTOS_H"
    print ""
    print "#include <stdint.h>"
    print "#include \"kernel/uaccess.h\""
    print ""
    for (i = 0; i < n; i++) {
        s = ""
        for (j = 0; j < argc[i]; j++) s = s (j ? ", " : "") ktype(ak[i, j]) " " an[i, j]
        printf "typedef uint64_t syscall_proto_SYS_%s_t(%s);\n", toupper(name[i]), argc[i] ? s : "void"
    }
    print ""
    print "#endif"
}'
