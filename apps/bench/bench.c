/*
 * bench - operating-system micro-benchmarks, one source for Spindle (/bin/bench) and Linux
 * (the initramfs's /init), so tools/bench.sh can compare the two under the same QEMU.
 *
 * Each benchmark runs a fixed number of iterations (after a short warm-up) and is timed with
 * the monotonic clock and the TSC around the measured loop only; set-up (threads, pipes,
 * big mappings to free) stays outside. Output, one line per result, for the harness:
 *
 *   bench-boot BOOT_NS TSC            first line: kernel clock and TSC at main()
 *   bench NAME ok ITERS NS CYCLES ... totals over the loop (then a human-readable tail);
 *                                     one line per repetition when NAME has several
 *   bench NAME n/a REASON             the system does not offer the service yet (ENOSYS)
 *   bench NAME FAIL WHAT ERRNO        the service exists but misbehaved
 *   bench-tsc HZ                      TSC rate, calibrated against the monotonic clock
 *   bench-done FAILURES
 *
 * `bench NAME...` runs only the named benchmarks; `bench -l` lists them.
 *
 * getpid is repeated within the boot (the harness takes the median of the repetitions): the
 * trace-hook comparison (tools/bench.sh) needs a figure that one host hiccup cannot move.
 */
#include "bench_os.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define BENCH_PAGE        4096u
#define BENCH_FAULT_BYTES (64u << 20)
#define BENCH_READ_BYTES  4096u
#define BENCH_TSC_CAL_NS  100000000ull
#define BENCH_LINE        256

typedef struct {
    uint64_t ns;
    uint64_t cycles;
    uint64_t ns_start;
    uint64_t tsc_start;
} bench_span_t;

typedef struct {
    const char *name;
    uint64_t iters;
    uint64_t warmup;
    unsigned reps;                                  /* timed runs, one line each */
    int (*run)(uint64_t iters, bench_span_t *span); /* 0, or a negative errno */
    const char *what;                               /* what one iteration is */
    int on_request;                                 /* only when named on the command line */
} bench_t;

static int bench_failures;
static char bench_buf[BENCH_READ_BYTES];

static void bench_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void bench_out(const char *fmt, ...)
{
    char line[BENCH_LINE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    bos_print(line);
}

static inline void span_start(bench_span_t *s)
{
    s->ns_start = bos_now_ns();
    s->tsc_start = bos_rdtsc();
}

static inline void span_stop(bench_span_t *s)
{
    uint64_t tsc = bos_rdtsc();
    uint64_t ns = bos_now_ns();
    s->cycles = tsc - s->tsc_start;
    s->ns = ns - s->ns_start;
}

/* ---------------------------------------------------------------- single-thread paths */

static int bench_getpid(uint64_t iters, bench_span_t *s)
{
    span_start(s);
    for (uint64_t i = 0; i < iters; i++)
        (void)bos_getpid();
    span_stop(s);
    return 0;
}

static int bench_yield(uint64_t iters, bench_span_t *s)
{
    long r = bos_yield();
    if (r < 0)
        return (int)r;
    span_start(s);
    for (uint64_t i = 0; i < iters; i++)
        bos_yield();
    span_stop(s);
    return 0;
}

static int bench_mmap_touch(uint64_t iters, bench_span_t *s)
{
    int err;
    span_start(s);
    for (uint64_t i = 0; i < iters; i++) {
        volatile char *p = bos_mmap(BENCH_PAGE, &err);
        if (!p)
            return err;
        p[0] = 1;
        if ((err = bos_munmap((void *)p, BENCH_PAGE)) < 0)
            return err;
    }
    span_stop(s);
    return 0;
}

/* The region is mapped and every page written once; the time covers the mmap call too, so
 * a system that populates at mmap time is charged the same work as one that faults. */
static int bench_page_fault(uint64_t pages, bench_span_t *s)
{
    int err;
    span_start(s);
    volatile char *p = bos_mmap((size_t)pages * BENCH_PAGE, &err);
    if (!p)
        return err;
    for (uint64_t i = 0; i < pages; i++)
        p[i * BENCH_PAGE] = 1;
    span_stop(s);
    return bos_munmap((void *)p, (size_t)pages * BENCH_PAGE);
}

static int bench_spawn(uint64_t iters, bench_span_t *s)
{
    span_start(s);
    for (uint64_t i = 0; i < iters; i++) {
        int st = bos_spawn_wait(BOS_NOP_PATH);
        if (st != 0)
            return st < 0 ? st : -ECHILD;
    }
    span_stop(s);
    return 0;
}

static int bench_open_read(uint64_t iters, bench_span_t *s)
{
    span_start(s);
    for (uint64_t i = 0; i < iters; i++) {
        int fd = bos_open(BOS_SELF_PATH);
        if (fd < 0)
            return fd;
        long n = bos_read(fd, bench_buf, sizeof(bench_buf));
        int c = bos_close(fd);
        if (n < 0)
            return (int)n;
        if (n != (long)sizeof(bench_buf))
            return -EIO;
        if (c < 0)
            return c;
    }
    span_stop(s);
    return 0;
}

/* ---------------------------------------------------------------- getpid against a gauge */

/* The trace-hook comparison (tools/bench.sh) boots two kernels that differ by one branch,
 * on a host whose speed jumps by about 2x, from one millisecond to the next, when its other
 * CPU gets busy. So each block of getpid calls is followed by a block of user-mode work of
 * about the same length (the gauge: this binary's code, never enters the kernel, so the same
 * under both kernels). The gauge tells the harness how fast the host was for each block, so
 * it can compare the two kernels at the same host speed (tools/bench-report.awk).
 *
 * Output, after the timed part: `bench-gauge getpid BLOCKS CALLS ITERS`, then the blocks'
 * TSC cycles as `bench-blk GETPID GAUGE GETPID GAUGE ...` lines (BENCH_BLK_LINE pairs each):
 * GETPID for CALLS getpid calls, GAUGE for ITERS gauge iterations. */
#define BENCH_BLOCKS      400
#define BENCH_BLOCK_CALLS 500
#define BENCH_GAUGE_ITERS 50000
#define BENCH_BLK_LINE    5

static volatile uint64_t bench_sink;
static uint64_t bench_blk[BENCH_BLOCKS][2];

static void bench_gauge(uint64_t iters)
{
    uint64_t x = 0x9E3779B97F4A7C15ull, tab[16] = { 0 };
    for (uint64_t i = 0; i < iters; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        tab[x & 15] += x;
    }
    bench_sink = x + tab[x & 15];
}

static void bench_blocks_print(uint64_t blocks)
{
    char line[BENCH_LINE];
    bench_out("bench-gauge getpid %llu %u %u\n", (unsigned long long)blocks,
              BENCH_BLOCK_CALLS, BENCH_GAUGE_ITERS);
    for (uint64_t b = 0; b < blocks; b += BENCH_BLK_LINE) {
        int len = snprintf(line, sizeof(line), "bench-blk");
        for (uint64_t i = b; i < b + BENCH_BLK_LINE && i < blocks; i++)
            len += snprintf(line + len, sizeof(line) - (size_t)len, " %llu %llu",
                            (unsigned long long)bench_blk[i][0],
                            (unsigned long long)bench_blk[i][1]);
        bench_out("%s\n", line);
    }
}

/* The span covers the getpid blocks only (the usual ns/op line); ITERS is rounded down to
 * whole blocks, and only a full run (not the warm-up) prints the blocks. */
static int bench_getpid_gauge(uint64_t iters, bench_span_t *s)
{
    uint64_t blocks = iters / BENCH_BLOCK_CALLS, total_ns = 0, total_cyc = 0;
    if (blocks > BENCH_BLOCKS)
        blocks = BENCH_BLOCKS;
    for (uint64_t b = 0; b < blocks; b++) {
        span_start(s);
        for (uint64_t i = 0; i < BENCH_BLOCK_CALLS; i++)
            (void)bos_getpid();
        span_stop(s);
        uint64_t g0 = bos_rdtsc();
        bench_gauge(BENCH_GAUGE_ITERS);
        bench_blk[b][1] = bos_rdtsc() - g0;
        bench_blk[b][0] = s->cycles;
        total_ns += s->ns;
        total_cyc += s->cycles;
    }
    s->ns = total_ns;
    s->cycles = total_cyc;
    if (blocks == BENCH_BLOCKS)
        bench_blocks_print(blocks);
    return 0;
}

/* ---------------------------------------------------------------- two-thread ping-pongs */

typedef struct {
    uint64_t iters;
    int cpu;                /* CPU for the partner thread, -1: leave it where it is */
    volatile int error;     /* first error the partner met */
    volatile uint32_t done; /* set by the partner as its last act */
    uint32_t word;          /* futex: 1 = partner's turn, 0 = main's turn */
    int to_partner[2], to_main[2];
} pingpong_t;

static pingpong_t pp;

static void pp_partner_end(int err)
{
    if (err)
        pp.error = err;
    __atomic_store_n(&pp.done, 1, __ATOMIC_SEQ_CST);
}

static int pp_pin(int cpu)
{
    return cpu < 0 ? 0 : bos_pin_cpu(cpu);
}

/* Waits until the partner has finished (it sets done just before its thread ends). */
static void pp_join(void)
{
    while (!__atomic_load_n(&pp.done, __ATOMIC_SEQ_CST))
        bos_yield();
}

static void futex_partner(void *arg)
{
    (void)arg;
    int err = pp_pin(pp.cpu);
    for (uint64_t i = 0; i < pp.iters && !err; i++) {
        while (!err && __atomic_load_n(&pp.word, __ATOMIC_SEQ_CST) == 0) {
            int r = bos_futex_wait(&pp.word, 0);
            if (r < 0 && r != -EAGAIN && r != -EINTR)
                err = r;
        }
        __atomic_store_n(&pp.word, 0, __ATOMIC_SEQ_CST);
        int r = bos_futex_wake(&pp.word, 1);
        if (r < 0)
            err = r;
    }
    pp_partner_end(err);
}

static int futex_main_loop(uint64_t iters)
{
    for (uint64_t i = 0; i < iters; i++) {
        __atomic_store_n(&pp.word, 1, __ATOMIC_SEQ_CST);
        int r = bos_futex_wake(&pp.word, 1);
        if (r < 0)
            return r;
        while (__atomic_load_n(&pp.word, __ATOMIC_SEQ_CST) == 1) {
            if (pp.error)
                return pp.error;
            r = bos_futex_wait(&pp.word, 1);
            if (r < 0 && r != -EAGAIN && r != -EINTR)
                return r;
        }
    }
    return 0;
}

static void pipe_partner(void *arg)
{
    (void)arg;
    int err = pp_pin(pp.cpu);
    char c;
    for (uint64_t i = 0; i < pp.iters && !err; i++) {
        long r = bos_read(pp.to_partner[0], &c, 1);
        if (r == 1)
            r = bos_write(pp.to_main[1], &c, 1);
        if (r != 1)
            err = r < 0 ? (int)r : -EIO;
    }
    pp_partner_end(err);
}

static int pipe_main_loop(uint64_t iters)
{
    char c = 'x';
    for (uint64_t i = 0; i < iters; i++) {
        long r = bos_write(pp.to_partner[1], &c, 1);
        if (r == 1)
            r = bos_read(pp.to_main[0], &c, 1);
        if (r != 1)
            return r < 0 ? (int)r : -EIO;
    }
    return 0;
}

/* Same CPU: both threads pinned to CPU 0 (on one CPU nothing to pin); across CPUs: the
 * partner on CPU 1. A system without an affinity call can only run the single-CPU case. */
static int pp_placement(int xcpu)
{
    int cpus = bos_cpu_count();
    if (xcpu && cpus < 2)
        return -ENOSYS;
    pp.cpu = xcpu ? 1 : (cpus > 1 ? 0 : -1);
    return pp_pin(cpus > 1 ? 0 : -1);
}

static int pp_run(uint64_t iters, bench_span_t *s, int xcpu, bos_thread_fn_t partner,
                  int (*main_loop)(uint64_t))
{
    int r = pp_placement(xcpu);
    if (r < 0)
        return r;
    pp.iters = iters;
    pp.error = 0;
    pp.done = 0;
    pp.word = 0;
    if ((r = bos_thread_start(partner, NULL)) < 0)
        return r;
    span_start(s);
    r = main_loop(iters);
    span_stop(s);
    if (r == 0)
        pp_join();
    return r ? r : pp.error;
}

static int futex_check(void)
{
    uint32_t w = 0;
    int r = bos_futex_wake(&w, 1);
    return r < 0 ? r : 0;
}

static int bench_futex(uint64_t iters, bench_span_t *s)
{
    int r = futex_check();
    return r < 0 ? r : pp_run(iters, s, 0, futex_partner, futex_main_loop);
}

static int bench_futex_xcpu(uint64_t iters, bench_span_t *s)
{
    int r = futex_check();
    return r < 0 ? r : pp_run(iters, s, 1, futex_partner, futex_main_loop);
}

static int pipe_run(uint64_t iters, bench_span_t *s, int xcpu)
{
    int r = bos_pipe(pp.to_partner);
    if (r < 0)
        return r;
    if ((r = bos_pipe(pp.to_main)) < 0) {
        bos_close(pp.to_partner[0]);
        bos_close(pp.to_partner[1]);
        return r;
    }
    r = pp_run(iters, s, xcpu, pipe_partner, pipe_main_loop);
    for (int i = 0; i < 2; i++) {
        bos_close(pp.to_partner[i]);
        bos_close(pp.to_main[i]);
    }
    return r;
}

static int bench_pipe(uint64_t iters, bench_span_t *s) { return pipe_run(iters, s, 0); }
static int bench_pipe_xcpu(uint64_t iters, bench_span_t *s) { return pipe_run(iters, s, 1); }

/* ---------------------------------------------------------------- driver */

static const bench_t benches[] = {
    { "getpid", 100000, 1000, 9, bench_getpid, "null system call", 0 },
    { "yield", 50000, 500, 1, bench_yield, "yield with nothing else runnable", 0 },
    { "mmap_touch_munmap", 2000, 20, 1, bench_mmap_touch, "mmap 4 KiB + write + munmap", 0 },
    { "page_fault", BENCH_FAULT_BYTES / BENCH_PAGE, BENCH_FAULT_BYTES / BENCH_PAGE, 1, bench_page_fault, "first write to a page of a 64 MiB mapping", 0 },
    { "open_read_close", 2000, 20, 1, bench_open_read, "open + read 4 KiB + close", 0 },
    { "spawn_exit_wait", 100, 3, 1, bench_spawn, "spawn + exit + wait of a tiny program", 0 },
    { "futex_pingpong", 2000, 0, 1, bench_futex, "futex round trip, two threads, same CPU", 0 },
    { "pipe_pingpong", 2000, 0, 1, bench_pipe, "1-byte pipe round trip, two threads, same CPU", 0 },
    { "futex_pingpong_xcpu", 500, 0, 1, bench_futex_xcpu, "futex round trip across CPUs", 0 },
    { "pipe_pingpong_xcpu", 500, 0, 1, bench_pipe_xcpu, "pipe round trip across CPUs", 0 },
    { "getpid_gauge", BENCH_BLOCKS * BENCH_BLOCK_CALLS, BENCH_BLOCK_CALLS * 4, 1, bench_getpid_gauge, "getpid in blocks, each followed by a user-mode gauge block", 1 },
};
#define BENCH_COUNT (sizeof(benches) / sizeof(benches[0]))

static const char *bench_reason(int err)
{
    switch (-err) {
    case ENOSYS: return "ENOSYS";
    case ENOENT: return "ENOENT";
    case ENOMEM: return "ENOMEM";
    case EAGAIN: return "EAGAIN";
    case EIO: return "EIO";
    case ECHILD: return "ECHILD(child failed)";
    default: return "error";
    }
}

static void bench_report(const bench_t *b, int r, const bench_span_t *s)
{
    if (r == -ENOSYS) {
        bench_out("bench %s n/a ENOSYS\n", b->name);
        return;
    }
    if (r < 0) {
        bench_failures++;
        bench_out("bench %s FAIL %s %d\n", b->name, bench_reason(r), -r);
        return;
    }
    uint64_t tenths = s->ns * 10 / b->iters;
    bench_out("bench %s ok %llu %llu %llu  %llu.%llu ns/op %llu cycles/op (%s)\n", b->name,
              (unsigned long long)b->iters, (unsigned long long)s->ns,
              (unsigned long long)s->cycles, (unsigned long long)(tenths / 10),
              (unsigned long long)(tenths % 10), (unsigned long long)(s->cycles / b->iters),
              b->what);
}

static void bench_run(const bench_t *b)
{
    bench_span_t s = { 0 };
    int r = 0;
    if (b->warmup)
        r = b->run(b->warmup, &s);
    for (unsigned i = 0; r == 0 && i < b->reps; i++) {
        r = b->run(b->iters, &s);
        if (r == 0)
            bench_report(b, r, &s);
    }
    if (r != 0)
        bench_report(b, r, &s);
}

static void bench_tsc_calibrate(void)
{
    uint64_t t0 = bos_now_ns(), c0 = bos_rdtsc(), t1;
    do
        t1 = bos_now_ns();
    while (t1 - t0 < BENCH_TSC_CAL_NS);
    uint64_t c1 = bos_rdtsc();
    bench_out("bench-tsc %llu\n", (unsigned long long)((c1 - c0) * 1000000ull / ((t1 - t0) / 1000)));
}

static int bench_selected(const bench_t *b, int argc, char **argv)
{
    if (argc < 2)
        return !b->on_request;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], b->name) == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    /* Read first: the boot figures are "time until the first user line". */
    uint64_t boot_ns = bos_boot_ns(), tsc = bos_rdtsc();
    bench_out("bench-boot %llu %llu\n", (unsigned long long)boot_ns, (unsigned long long)tsc);
    if (argc == 2 && strcmp(argv[1], "-l") == 0) {
        for (size_t i = 0; i < BENCH_COUNT; i++)
            bench_out("%-20s %s\n", benches[i].name, benches[i].what);
        bos_finish(0);
    }
    bench_out("bench-info %s cpus %d\n", BOS_NAME, bos_cpu_count());
    for (size_t i = 0; i < BENCH_COUNT; i++)
        if (bench_selected(&benches[i], argc, argv))
            bench_run(&benches[i]);
    bench_tsc_calibrate();
    bench_out("bench-done %d\n", bench_failures);
    bos_finish(bench_failures ? 1 : 0);
}
