# bench-report.awk - reads the serial logs of tools/bench.sh (BUILD/bench/run-SYSTEM-N.log) and
# prints the table of medians; writes out/results.tsv and out/results.json.
# Variables: out (directory for the files), meta (one line describing the setup).
# Input lines come from apps/bench/bench.c (see its header) and, for Spindle, the kernel's
# "boot: ready in N ms (U us)". Exit status 1 when a run did not finish or a benchmark failed.
#
# A benchmark repeated within one boot (getpid) counts once per boot: the median of its
# repetitions. The table gives, per system, the median of those per-boot figures.
# Systems "hook_in" and "hook_out" are the boots of the kernel with and without the syscall
# trace hook (-DSPINDLE_NO_TRACE_HOOK) running `bench getpid_gauge`; boot N of each form
# pair N (bench.sh runs them back to back). Their blocks of getpid calls, each timed next to
# a user-mode gauge block (apps/bench/bench.c), are compared at one host speed: see
# hook_cost().

function median(arr, key, n,    i, j, t, a) {
    for (i = 1; i <= n; i++) a[i] = arr[key, i]
    for (i = 2; i <= n; i++)
        for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}

function note(name) {
    if (!(name in seen)) { seen[name] = 1; order[++nnames] = name }
}

function add(sys, name, v) {
    if (!((sys, name) in cnt)) cnt[sys, name] = 0
    vals[sys SUBSEP name, ++cnt[sys, name]] = v
    note(name)
}

function med(sys, name) {
    return ((sys, name) in cnt) ? median(vals, sys SUBSEP name, cnt[sys, name]) : ""
}

# One repetition of NAME in boot RUN of SYS (ns/op and cycles/op).
function add_rep(sys, name, run, ns, cyc,    k) {
    k = sys SUBSEP name SUBSEP run
    if (!(k in nrep)) { nrep[k] = 0; repkeys[++nrepkeys] = k }
    nrep[k]++
    rep_ns[k, nrep[k]] = ns
    rep_cyc[k, nrep[k]] = cyc
    note(name)
}

# Per boot: the median of its repetitions becomes that boot's one value.
function fold_reps(    i, k, p) {
    for (i = 1; i <= nrepkeys; i++) {
        k = repkeys[i]
        split(k, p, SUBSEP)
        bootmed[k] = median(rep_ns, k, nrep[k])
        add(p[1], p[2], bootmed[k])
        add(p[1] "_cyc", p[2], median(rep_cyc, k, nrep[k]))
    }
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

# LOS: the system name of the Linux bench binary booted on Spindle (run-linuxonspindle-N.log),
# the third column: the same binary on both kernels, target <= 1.0x Linux.
BEGIN { HOOK_FAST_SLACK = 1.25; HOOK_MIN_BLOCKS = 20; LOS = "linuxonspindle" }

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
$1 == "bench-gauge" && $4 > 0 && $5 > 0 { blk_calls = $4; blk_iters = $5 }
$1 == "bench-blk" && blk_calls > 0 {
    for (i = 2; i < NF; i += 2) {
        k = sys SUBSEP run
        nblk[k]++
        blk_getpid[k, nblk[k]] = $i / blk_calls  # TSC cycles per getpid
        blk_gauge[k, nblk[k]] = $(i + 1) / blk_iters # TSC cycles per gauge iteration
    }
}
$1 == "bench-tsc" && $2 > 0 {
    tsc_hz[sys, run] = $2
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
$1 == "bench" && $3 == "ok" && $4 > 0 { add_rep(sys, $2, run, $5 / $4, $6 / $4) }
$1 == "bench" && $3 == "n/a" { na[sys, $2] = $4; note($2) }
$1 == "bench" && $3 == "FAIL" { failed[sys, $2] = $4; bad = 1; note($2) }

END {
    for (s in runs) {
        for (r = 1; r <= runs[s]; r++)
            if (!((s, r) in finished)) { printf "bench: %s run %d did not finish (see its log)\n", s, r; bad = 1 }
    }
    fold_reps()
    tsv = out "/results.tsv"; js = out "/results.json"
    print "benchmark\tspindle_ns_op\tlinux_ns_op\tratio\tspindle_cycles_op\tlinux_cycles_op\ttarget_ratio\tmet\tlinux_binary_on_spindle_ns_op\tlinux_binary_ratio" > tsv
    printf "{\n  \"setup\": \"%s\",\n  \"results\": [", meta > js
    printf "Spindle vs Linux, medians over alternating boots (%s)\n", meta
    printf "%-32s %12s %14s %8s %8s %-7s %14s %8s\n", "benchmark", "Spindle ns/op", "Linux ns/op", "ratio", "target", "(met?)", "Linux binary", "ratio"
    nboot = 0; first = 1
    for (k = 1; k <= nnames; k++) {
        n = order[k]
        if (n ~ /^boot_/) { boot[++nboot] = n; continue }
        if (n == "getpid_gauge" || n == "getpid_norm") continue
        emit(n, "%.1f", "spindle", n)
        if (n == "getpid" && hook_cost() != "") {
            emit("getpid_trace_hook_in", "%.1f", "hook_in", "getpid_norm")
            emit("getpid_trace_hook_out", "%.1f", "hook_out", "getpid_norm")
        }
    }
    printf "%-32s %12s %14s %8s %8s\n", "boot", "Spindle ms", "Linux ms", "ratio", "target"
    if (nboot) {
        emit("boot_kernel_to_user_ms", "%.1f", "spindle", "boot_kernel_to_user_ms")
        emit("boot_qemu_to_user_ms", "%.1f", "spindle", "boot_qemu_to_user_ms")
    }
    hook_line = hook_cost()
    if (hook_line == "") hook_line = "trace hook cost: not measured (no complete pair of getpid_gauge boots)"
    printf "\n  ],\n  \"trace_hook\": %s\n}\n", hook_json > js
    close(tsv); close(js)
    print hook_line
    if (hook_json != "null")
        printf "(trace hook rows: getpid-only boots in pairs; only blocks run while the host was at its fast speed (per a user-mode gauge), scaled to ns at one gauge speed)\n"
    printf "(ratio = Spindle / Linux, below 1 means Spindle is faster; n/a = not implemented yet;\n"
    printf " Linux binary: the static glibc build of bench booted on Spindle, its ratio to Linux; target <= 1.0)\n"
    printf "written: %s %s\n", tsv, js
    exit bad
}

# One row: ROW is its name in the TSV/JSON, SYS the Spindle system that fills the Spindle
# column (spindle, or hook_in/hook_out for the trace-hook rows) and N the benchmark measured.
function emit(row, fmt, sys, n,    a, b, c, ratio, lratio, t, met, label, tcell, ln) {
    # Gauge-scaled rows have no Linux counterpart: a raw Linux figure is not comparable.
    ln = n == "getpid_norm" ? "" : n
    a = med(sys, n); b = med("linux", ln); c = med(LOS, ln)
    ratio = (a != "" && b != "" && b > 0) ? sprintf("%.3f", a / b) : ""
    lratio = (c != "" && b != "" && b > 0) ? sprintf("%.3f", c / b) : ""
    t = row == n ? target(n) : ""
    met = ""
    if (n == "boot_kernel_to_user_ms") { tcell = "<=50ms"; met = a == "" ? "" : (a <= 50 ? "yes" : "no") }
    else if (t != "") { tcell = "<=" t; met = ratio == "" ? "" : (ratio <= t ? "yes" : "no") }
    else tcell = "-"
    label = row
    if (n == "boot_kernel_to_user_ms") label = "kernel -> first user line"
    if (n == "boot_qemu_to_user_ms") label = "QEMU start -> user line"
    if (row == "getpid_trace_hook_in") label = "getpid, trace hook compiled in"
    if (row == "getpid_trace_hook_out") label = "getpid, trace hook compiled out"
    printf "%-32s %12s %14s %8s %8s %-7s %14s %8s\n", label, cell(sys, n, fmt), cell("linux", ln, fmt),
        ratio == "" ? "-" : sprintf("%.2f", ratio), tcell, met == "" ? "" : (met == "yes" ? "met" : "missed"),
        sys == "spindle" ? cell(LOS, ln, fmt) : "-", lratio == "" || sys != "spindle" ? "-" : sprintf("%.2f", lratio)
    printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", row, cell(sys, n, fmt), cell("linux", ln, fmt),
        ratio == "" ? "-" : ratio, cell(sys "_cyc", n, "%.0f"), cell("linux_cyc", ln, "%.0f"),
        t == "" ? (n == "boot_kernel_to_user_ms" ? "50ms" : "-") : t, met == "" ? "-" : met,
        sys == "spindle" ? cell(LOS, ln, fmt) : "-", lratio == "" || sys != "spindle" ? "-" : lratio > tsv
    printf "%s\n    {\"benchmark\": \"%s\", \"spindle\": %s, \"linux\": %s, \"ratio\": %s, \"linux_binary_on_spindle\": %s, \"linux_binary_ratio\": %s, \"spindle_cycles\": %s, \"linux_cycles\": %s, \"unit\": \"%s\", \"status_spindle\": \"%s\", \"status_linux\": \"%s\"}",
        first ? "" : ",", row, json_num(a), json_num(b), json_num(ratio),
        json_num(sys == "spindle" ? c : ""), json_num(sys == "spindle" ? lratio : ""), json_num(med(sys "_cyc", n)),
        json_num(med("linux_cyc", ln)), n ~ /^boot_/ ? "ms" : "ns/op",
        cell(sys, n, "ok") ~ /^(n\/a|FAIL|-)$/ ? cell(sys, n, "") : "ok",
        cell("linux", ln, "ok") ~ /^(n\/a|FAIL|-)$/ ? cell("linux", ln, "") : "ok" > js
    first = 0
}

# Trace hook cost, from the pairs of hook_in/hook_out boots. The host runs at two speeds
# about 2x apart (its other CPU idle or busy), and getpid does not slow down in proportion
# to the gauge, so the kernels are compared at the host's fast speed only: F is the lowest
# over the boots of each boot's 5th-percentile gauge cycles, and a block counts when its
# gauge took at most HOOK_FAST_SLACK x F. A boot with fewer than HOOK_MIN_BLOCKS such blocks
# (busy host throughout) drops its pair. Per boot: the median over its fast blocks of
# getpid/gauge (which also cancels smaller speed drift), times G, the median over boots of
# their fast blocks' median ns per gauge iteration, gives ns ("getpid_norm" of hook_in and
# hook_out, the table rows). The
# cost is the median over pairs of (in - out), so one bad pair cannot decide it. Computed
# once; sets hook_json and returns the report line ("" with no usable pair). Reported,
# never judged: there is no pass/fail here.
function hook_cost(    k, p, b, i, n, f, nb, gb, rr, val, gv, g, lim, r, k1, k2, d, pd,
                       diffs, lo, hi, cost, base, pct, skipped) {
    if (hook_done) return hook_text
    hook_done = 1; hook_json = "null"; hook_text = ""
    lim = ""
    for (k in nblk) {
        split(k, p, SUBSEP)
        if (p[1] != "hook_in" && p[1] != "hook_out") continue
        f = pctile(blk_gauge, k, nblk[k], 0.05)
        lim = lim == "" || f < lim ? f : lim
    }
    if (lim == "") return ""
    lim *= HOOK_FAST_SLACK
    i = 0
    for (k in nblk) {
        split(k, p, SUBSEP)
        if (p[1] != "hook_in" && p[1] != "hook_out") continue
        if (!(k in tsc_hz)) continue
        nb = 0
        for (b = 1; b <= nblk[k]; b++) {
            if (blk_gauge[k, b] > lim) continue
            rr[k, ++nb] = blk_getpid[k, b] / blk_gauge[k, b]
            gb[k, nb] = blk_gauge[k, b] / tsc_hz[k] * 1e9
        }
        if (nb < HOOK_MIN_BLOCKS) continue
        val[k] = median(rr, k, nb)
        gv["x", ++i] = median(gb, k, nb)
    }
    if (i == 0) return ""
    g = median(gv, "x", i)
    n = 0; diffs = ""; skipped = 0
    for (r = 1; r <= runs["hook_out"]; r++) {
        k1 = "hook_in" SUBSEP r; k2 = "hook_out" SUBSEP r
        if (!(k1 in val) || !(k2 in val)) { skipped++; continue }
        add("hook_in", "getpid_norm", val[k1] * g) # rows: the boots of usable pairs only
        add("hook_out", "getpid_norm", val[k2] * g)
        d = (val[k1] - val[k2]) * g
        pd["x", ++n] = d
        diffs = diffs (n > 1 ? ", " : "") sprintf("%+.1f", d)
        lo = n == 1 || d < lo ? d : lo
        hi = n == 1 || d > hi ? d : hi
    }
    if (n == 0) return ""
    cost = median(pd, "x", n)
    base = med("hook_out", "getpid_norm")
    pct = base > 0 ? 100 * cost / base : 0
    hook_json = sprintf("{\"benchmark\": \"getpid\", \"hook_in_ns\": %s, \"hook_out_ns\": %s, \"cost_ns\": %.1f, \"cost_percent\": %.2f, \"pairs\": %d, \"pairs_skipped\": %d, \"pair_min_ns\": %.1f, \"pair_max_ns\": %.1f, \"gauge_ns_per_iter\": %.4f, \"raw_hook_in_ns\": %s, \"raw_hook_out_ns\": %s}",
        json_num(med("hook_in", "getpid_norm")), json_num(base), cost, pct, n, skipped, lo, hi, g,
        json_num(med("hook_in", "getpid_gauge")), json_num(med("hook_out", "getpid_gauge")))
    hook_text = sprintf("trace hook cost: %+.1f ns (%+.1f%%) per getpid, median of %d paired boots (per pair, ns: %s)%s",
        cost, pct, n, diffs, skipped ? sprintf("; %d pair(s) skipped, host busy throughout a boot", skipped) : "")
    return hook_text
}

# The Q-quantile (0..1) of arr[key, 1..n], nearest rank.
function pctile(arr, key, n, q,    i, j, t, a) {
    for (i = 1; i <= n; i++) a[i] = arr[key, i]
    for (i = 2; i <= n; i++)
        for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    i = int(q * n + 0.5)
    return a[i < 1 ? 1 : i]
}
