#!/bin/sh
# check-layers.sh [KNOWN] - the kernel's layer rule: a source may include headers of its own
# layer or of lower ones, never of a higher one. Reads every #include "..." of the kernel
# sources (kernel/, mm/, sched/, proc/, syscall/) and prints
#   ok layers.no-new-upward-includes          when every upward edge is a known exception
#   FAIL layers.FILE:LINE: ...                for each upward include not in KNOWN
#   skip layers.known.FILE->INCLUDED: ...     for each known exception still present
#   FAIL layers.known.FILE->INCLUDED: ...     for a known exception that is gone (remove its
#                                             line: the list only shrinks)
# KNOWN (default test/layers-known.txt) lists the accepted upward edges, one
# "file -> included  # reason" a line. Exits 1 on any FAIL. Run from the repository root;
# test/run.sh runs it with the other static checks.
#
# Layers, lowest first (docs/design.md, "Layers", draws the same picture):
#   lib      kernel/lib (freestanding, shared with the runtime and host tests), kernel/cmdline.h
#            (the header of kernel/lib/cmdline.c)
#   arch     kernel/arch, and the platform code arch bring-up needs: kernel/acpi, kernel/time,
#            kernel/console, kernel/pci, the kernel/*.c|h core (panic, kprintf, uaccess, power,
#            ksyms, stack_guard), and mm/hhdm.h, mm/pte.h, syscall/syscall_ctx.h (header-only
#            facts of the boot contract, the page-table format and the SYSCALL entry's
#            per-thread block; mapped by name until they move)
#   mm       mm/
#   sched    sched/ (threads' scheduling, timers, futexes, locks)
#   fs       kernel/fs, kernel/sysinfo.* (the text of /proc/system, read by procfs; mapped
#            by name)
#   proc     proc/ (processes, exec, spawn, user threads); kernel/usb (drivers
#            that run threads of the kernel process and feed devfs)
#   syscall  syscall/ (entry, dispatch, handlers, syscall/linux), kernel/trace (runs inside
#            the dispatch path)
# Outside the order: kernel/main.c, kernel/ktest.c and *_ktest.c (boot wiring and tests, may
# include anything); kernel/ktest.h may be included from any layer (in-file tests). Angle
# includes (<spindle/...>: the ABI headers) belong to no layer.
set -u
known=${1:-test/layers-known.txt}
[ -r "$known" ] || { echo "FAIL layers.known-list: $known missing"; exit 1; }
files=$(find kernel mm sched proc syscall -type f \( -name '*.c' -o -name '*.h' -o -name '*.S' \) | sort)

awk -v known="$known" '
function layer(p) {
    if (p == "kernel/main.c" || p == "kernel/ktest.c" || p ~ /_ktest\.c$/) return "top"
    if (p == "kernel/ktest.h") return "any"
    if (p ~ /^kernel\/lib\// || p == "kernel/cmdline.h") return "lib"
    if (p == "mm/hhdm.h" || p == "mm/pte.h" || p == "syscall/syscall_ctx.h") return "arch"
    if (p ~ /^kernel\/sysinfo\.[ch]$/) return "fs"
    if (p ~ /^kernel\/(arch|acpi|time|console|pci)\// || p ~ /^kernel\/[^\/]+$/) return "arch"
    if (p ~ /^mm\//) return "mm"
    if (p ~ /^proc\//) return "proc"
    if (p ~ /^sched\//) return "sched"
    if (p ~ /^kernel\/fs\//) return "fs"
    if (p ~ /^kernel\/usb\//) return "proc"
    if (p ~ /^(syscall|kernel\/trace)\//) return "syscall"
    return ""
}
BEGIN {
    split("lib arch mm sched fs proc syscall", order, " ")
    for (i = 1; i <= 7; i++) rank[order[i]] = i
    rank["any"] = 0; rank["top"] = 99
    while ((getline line < known) > 0) {
        sub(/#.*/, "", line)
        if (line ~ /^[ \t]*$/) continue
        if (split(line, w, " ") != 3 || w[2] != "->") {
            printf "FAIL layers.known-list: bad line \"%s\" (want: file -> included  # reason)\n", line
            failed = 1; continue
        }
        edge = w[1] "->" w[3]
        listed[edge] = 1
    }
    close(known)
    # Reasons, for the skip lines: the comment at the end of each entry.
    while ((getline line < known) > 0) {
        if (line ~ /^[ \t]*(#|$)/ || index(line, "#") == 0) continue
        split(line, w, " ")
        why = line; sub(/^[^#]*#[ \t]*/, "", why)
        reason[w[1] "->" w[3]] = why
    }
}
FNR == 1 {
    me = layer(FILENAME)
    if (me == "") {
        printf "FAIL layers.%s: in no layer (map its folder in test/check-layers.sh)\n", FILENAME
        failed = 1
    }
}
/^[ \t]*#[ \t]*include[ \t]*"/ {
    inc = $0; sub(/^[^"]*"/, "", inc); sub(/".*/, "", inc)
    if (me == "" || me == "top") next
    to = layer(inc)
    if (to == "") {
        printf "FAIL layers.%s:%d: includes %s, which is in no layer\n", FILENAME, FNR, inc
        failed = 1
        next
    }
    if (rank[to] <= rank[me]) next
    edge = FILENAME "->" inc
    if (edge in listed) {
        seen[edge] = 1
        printf "skip layers.known.%s: upward include (%s includes %s), line %d: %s\n",
               edge, me, to, FNR, reason[edge]
    } else {
        printf "FAIL layers.%s:%d: includes %s, an upward edge (%s includes %s)\n",
               FILENAME, FNR, inc, me, to
        failed = 1
    }
}
END {
    for (edge in listed)
        if (!(edge in seen)) {
            printf "FAIL layers.known.%s: listed in %s but no longer an upward include: %s\n",
                   edge, known, "remove the line"
            failed = 1
        }
    if (!failed) print "ok layers.no-new-upward-includes"
    exit failed
}
' $files
