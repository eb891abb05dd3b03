# bench-report.awk - reads the serial logs of tools/bench.sh (BUILD/bench/run-SYSTEM-N.log) and
# prints the table of medians; writes out/results.tsv and out/results.json.
# Variables: out (directory for the files), meta (one line describing the setup).
# Input lines come from apps/bench/bench.c (see its header) and, for Spindle, the kernel's
# "boot: ready in N ms (U us)". Exit status 1 when a run did not finish or a benchmark failed.

function median(key, n,    i, j, t, a) {
    for (i = 1; i <= n; i++) a[i] = vals[key, i]
    for (i = 2; i <= n; i++)
        for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}

function add(sys, name, v) {
    if (!((sys, name) in cnt)) cnt[sys, name] = 0
    vals[sys SUBSEP name, ++cnt[sys, name]] = v
    if (!(name in seen)) { seen[name] = 1; order[++nnames] = name }
}

function med(sys, name) {
    return ((sys, name) in cnt) ? median(sys SUBSEP name, cnt[sys, name]) : ""
}

# "n/a" or "FAIL" when a system never measured it, else the median formatted.
function cell(sys, name, fmt) {
    if ((sys, name) in cnt) return sprintf(fmt, med(sys, name))
    if ((sys, name) in failed) return "FAIL"
    if ((sys, name) in na) return "n/a"
    return "-"
}

function target(name) {
    if (name == "spawn_exit_wait") return 0.1
    if (name ~ /^boot_/) return ""
    return 0.5
}

function json_num(s) { return s == "" || s !~ /^[0-9.e+-]+$/ ? "null" : s }

FNR == 1 {
    sys = FILENAME; sub(/^.*run-/, "", sys); sub(/-[0-9]+\.log$/, "", sys)
    run = FILENAME; sub(/^.*-/, "", run); sub(/\.log$/, "", run)
    systems[sys] = 1
    runs[sys]++
    ready = ""
}
{
    gsub(/\r/, ""); gsub(/\033\[[0-9;=?]*[A-Za-z]/, ""); $0 = $0
}
/boot: ready in [0-9]+ ms \([0-9]+ us\)/ {
    s = $0; sub(/^.*\(/, "", s); sub(/ us\).*$/, "", s); ready = s
}
$1 == "bench-boot" { boot_ns[sys, run] = $2; tsc[sys, run] = $3 }
$1 == "bench-tsc" && $2 > 0 {
    if ((sys, run) in tsc) add(sys, "boot_qemu_to_user_ms", tsc[sys, run] / $2 * 1000)
}
$1 == "bench-done" {
    finished[sys, run] = 1
    if ((sys, run) in boot_ns) {
        # Spindle's uptime starts at clock_init, a few ms after kernel entry; adding the
        # kernel's own entry->ready figure over-counts clock_init->ready: an upper bound.
        extra = (sys == "spindle" && ready != "") ? ready * 1000 : 0
        add(sys, "boot_kernel_to_user_ms", (boot_ns[sys, run] + extra) / 1e6)
    }
}
$1 == "bench" && $3 == "ok" && $4 > 0 {
    add(sys, $2, $5 / $4)
    add(sys "_cyc", $2, $6 / $4)
}
$1 == "bench" && $3 == "n/a" { na[sys, $2] = $4; if (!($2 in seen)) { seen[$2] = 1; order[++nnames] = $2 } }
$1 == "bench" && $3 == "FAIL" { failed[sys, $2] = $4; bad = 1; if (!($2 in seen)) { seen[$2] = 1; order[++nnames] = $2 } }

END {
    for (s in runs) {
        for (r = 1; r <= runs[s]; r++)
            if (!((s, r) in finished)) { printf "bench: %s run %d did not finish (see its log)\n", s, r; bad = 1 }
    }
    tsv = out "/results.tsv"; js = out "/results.json"
    print "benchmark\tspindle_ns_op\tlinux_ns_op\tratio\tspindle_cycles_op\tlinux_cycles_op\ttarget_ratio\tmet" > tsv
    printf "{\n  \"setup\": \"%s\",\n  \"results\": [", meta > js
    printf "Spindle vs Linux, medians over alternating boots (%s)\n", meta
    printf "%-26s %12s %14s %8s %8s %s\n", "benchmark", "Spindle ns/op", "Linux ns/op", "ratio", "target", "(met?)"
    nboot = 0; first = 1
    for (k = 1; k <= nnames; k++) {
        n = order[k]
        if (n ~ /^boot_/) { boot[++nboot] = n; continue }
        emit(n, "%.1f")
    }
    printf "%-26s %12s %14s %8s %8s\n", "boot", "Spindle ms", "Linux ms", "ratio", "target"
    if (nboot) { emit("boot_kernel_to_user_ms", "%.1f"); emit("boot_qemu_to_user_ms", "%.1f") }
    printf "\n  ]\n}\n" > js
    close(tsv); close(js)
    printf "(ratio = Spindle / Linux, below 1 means Spindle is faster; n/a = not implemented yet)\n"
    printf "written: %s %s\n", tsv, js
    exit bad
}

function emit(n, fmt,    a, b, ratio, t, met, label, tcell) {
    a = med("spindle", n); b = med("linux", n)
    ratio = (a != "" && b != "" && b > 0) ? sprintf("%.3f", a / b) : ""
    t = target(n)
    met = ""
    if (n == "boot_kernel_to_user_ms") { tcell = "<=50ms"; met = a == "" ? "" : (a <= 50 ? "yes" : "no") }
    else if (t != "") { tcell = "<=" t; met = ratio == "" ? "" : (ratio <= t ? "yes" : "no") }
    else tcell = "-"
    label = n
    if (n == "boot_kernel_to_user_ms") label = "kernel -> first user line"
    if (n == "boot_qemu_to_user_ms") label = "QEMU start -> user line"
    printf "%-26s %12s %14s %8s %8s %s\n", label, cell("spindle", n, fmt), cell("linux", n, fmt),
        ratio == "" ? "-" : sprintf("%.2f", ratio), tcell, met == "" ? "" : (met == "yes" ? "met" : "missed")
    printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", n, cell("spindle", n, fmt), cell("linux", n, fmt),
        ratio == "" ? "-" : ratio, cell("spindle_cyc", n, "%.0f"), cell("linux_cyc", n, "%.0f"),
        t == "" ? (n == "boot_kernel_to_user_ms" ? "50ms" : "-") : t, met == "" ? "-" : met > tsv
    printf "%s\n    {\"benchmark\": \"%s\", \"spindle\": %s, \"linux\": %s, \"ratio\": %s, \"spindle_cycles\": %s, \"linux_cycles\": %s, \"unit\": \"%s\", \"status_spindle\": \"%s\", \"status_linux\": \"%s\"}",
        first ? "" : ",", n, json_num(a), json_num(b), json_num(ratio), json_num(med("spindle_cyc", n)),
        json_num(med("linux_cyc", n)), n ~ /^boot_/ ? "ms" : "ns/op",
        cell("spindle", n, "ok") ~ /^(n\/a|FAIL|-)$/ ? cell("spindle", n, "") : "ok",
        cell("linux", n, "ok") ~ /^(n\/a|FAIL|-)$/ ? cell("linux", n, "") : "ok" > js
    first = 0
}
