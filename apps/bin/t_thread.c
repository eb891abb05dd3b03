/*
 * t_thread - threads as a program sees them: create/join with results, distinct tids,
 * per-thread errno and FS base (TLS, set by the kernel on any CPU), a GS base set from user
 * mode that survives system calls and preemption (when AT_HWCAP2 allows WRGSBASE), CPU time
 * accounting and the thread exit word, SSE registers and MXCSR that never leak between threads, bad
 * THREAD_CREATE arguments, a thread exiting while another blocks, the last thread's exit
 * ending the process, and process exit / kill while threads block in futex, sleep or spin.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/auxv.h>
#include <unistd.h>
#include "t_check.h"

#define P "t_thread"

static uint64_t rdtsc_now(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* TSC ticks per millisecond, measured against the monotonic clock. */
static uint64_t tsc_per_ms(void)
{
    uint64_t t0 = rdtsc_now(), u0 = sys_uptime();
    sys_nanosleep(50000000ULL);
    uint64_t t1 = rdtsc_now(), u1 = sys_uptime();
    return (t1 - t0) * 1000000ULL / (u1 - u0 ? u1 - u0 : 1);
}

/* ---------------------------------------------------------------- create / join / ids */

static void *t_square(void *arg)
{
    uint64_t v = (uint64_t)arg;
    return (void *)(v * v);
}

static void check_create_join(void)
{
    pthread_t t[8];
    int ok = 1;
    for (uint64_t i = 0; i < 8; i++)
        ok &= pthread_create(&t[i], NULL, t_square, (void *)(i + 3)) == 0;
    for (uint64_t i = 0; i < 8; i++) {
        void *r = NULL;
        ok &= pthread_join(t[i], &r) == 0 && (uint64_t)r == (i + 3) * (i + 3);
    }
    T_CHECK(P, "create-join-returns-results", ok);
    /* More threads over time than the kernel's stack slots or the runtime's records. */
    int many = 1;
    for (int round = 0; round < 300 && many; round++) {
        pthread_t x;
        void *r;
        many = pthread_create(&x, NULL, t_square, (void *)7) == 0 && pthread_join(x, &r) == 0 &&
               (uint64_t)r == 49;
    }
    T_CHECK(P, "300-threads-in-turn", many);
    meminfo_t a, b;
    sys_meminfo(&a);
    for (int round = 0; round < 20; round++) {
        pthread_t x;
        pthread_create(&x, NULL, t_square, (void *)1);
        pthread_join(x, NULL);
    }
    sys_meminfo(&b);
    T_CHECK(P, "thread-stacks-unmapped-at-exit", a.proc_mapped_pages == b.proc_mapped_pages &&
                                                 a.proc_pages == b.proc_pages);
}

static volatile uint64_t seen_tid;

static void *t_tid(void *arg)
{
    (void)arg;
    seen_tid = sys_gettid();
    return NULL;
}

static void check_ids(void)
{
    pthread_t t;
    pthread_create(&t, NULL, t_tid, NULL);
    pthread_join(t, NULL);
    T_CHECK(P, "threads-have-distinct-tids", seen_tid != 0 && seen_tid != sys_gettid() &&
                                                (pid_t)seen_tid == pthread_gettid_np(t));
    T_CHECK(P, "main-tid-is-not-pid-of-thread", sys_gettid() != seen_tid);
}

static void check_bad_create(void)
{
    T_CHECK(P, "create-kernel-entry-einval",
            T_FAILS_WITH(sys_thread_create((void *)0xFFFFFFFF80000000ULL, NULL, NULL), EINVAL));
    T_CHECK(P, "create-noncanonical-entry-einval",
            T_FAILS_WITH(sys_thread_create((void *)T_USER_END, NULL, NULL), EINVAL));
    static uint64_t data_word;
    T_CHECK(P, "create-null-entry-einval",
            T_FAILS_WITH(sys_thread_create(NULL, NULL, NULL), EINVAL));
    T_CHECK(P, "create-data-entry-einval",
            T_FAILS_WITH(sys_thread_create(&data_word, NULL, NULL), EINVAL));
    T_CHECK(P, "create-kernel-stack-einval",
            T_FAILS_WITH(sys_thread_create((void *)check_bad_create, NULL,
                                           (void *)0xFFFFFFFF80001000ULL), EINVAL));
    T_CHECK(P, "create-unmapped-stack-efault",
            T_FAILS_WITH(sys_thread_create((void *)check_bad_create, NULL, (void *)0x1000),
                         EFAULT));
}

/* ---------------------------------------------------------------- errno, FS and GS bases */

static pthread_barrier_t bar2;

static void *t_errno(void *arg)
{
    errno = (int)(uint64_t)arg;
    pthread_barrier_wait(&bar2); /* both have set theirs before either looks */
    return (void *)(uint64_t)(errno == (int)(uint64_t)arg);
}

static void check_errno_per_thread(void)
{
    pthread_barrier_init(&bar2, NULL, 2);
    pthread_t a, b;
    void *ra, *rb;
    errno = 99;
    pthread_create(&a, NULL, t_errno, (void *)11);
    pthread_create(&b, NULL, t_errno, (void *)22);
    pthread_join(a, &ra);
    pthread_join(b, &rb);
    T_CHECK(P, "errno-is-per-thread", ra == (void *)1 && rb == (void *)1 && errno == 99);
    close(12345); /* fails: sets errno in this thread only */
    T_CHECK(P, "failing-call-sets-own-errno", errno != 99);
}

static uint64_t rdgsbase_now(void)
{
    uint64_t v;
    __asm__ volatile("rdgsbase %0" : "=r"(v));
    return v;
}

typedef struct {
    uint64_t gs;
    uint64_t until_tsc;
    int ok;
} gs_job_t;

static void *t_gs_hold(void *arg)
{
    gs_job_t *j = arg;
    __asm__ volatile("wrgsbase %0" : : "r"(j->gs) : "memory");
    j->ok = 1;
    unsigned n = 0;
    while (rdtsc_now() < j->until_tsc) {
        if (rdgsbase_now() != j->gs)
            j->ok = 0;
        if (++n % 4096 == 0)
            sys_getpid(); /* across system calls too */
    }
    if (rdgsbase_now() != j->gs)
        j->ok = 0;
    return NULL;
}

static void check_gs_base(uint64_t per_ms)
{
    if (!(getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE)) {
        T_SKIP(P, "gs-base-kept-across-syscalls-and-preemption", "no user FSGSBASE (AT_HWCAP2)");
        return;
    }
    uint64_t until = rdtsc_now() + 200 * per_ms; /* 200 ms: many ticks, many switches */
    gs_job_t j[2] = { { 0x123456789000ULL, until, 0 }, { 0x2468ace000ULL, until, 0 } };
    pthread_t a, b;
    pthread_create(&a, NULL, t_gs_hold, &j[0]);
    pthread_create(&b, NULL, t_gs_hold, &j[1]);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    T_CHECK(P, "gs-base-kept-across-syscalls-and-preemption", j[0].ok && j[1].ok);
    T_CHECK(P, "main-gs-base-untouched", rdgsbase_now() == 0);
}

/* The FS base of every thread is the kernel's: it survives system calls, preemption and
 * moves between CPUs whether or not the CPU has FSGSBASE (the runtime sets it with
 * set_fs_base unless AT_HWCAP2 allows WRFSBASE). %fs:0 holds the thread's own block. */
static uint64_t fs_self(void)
{
    uint64_t v;
    __asm__ volatile("movq %%fs:0, %0" : "=r"(v));
    return v;
}

typedef struct {
    uint64_t until_tsc, self;
    int ok;
} fs_job_t;

static void *t_fs_hold(void *arg)
{
    fs_job_t *j = arg;
    j->self = fs_self();
    j->ok = j->self != 0;
    for (unsigned n = 1; rdtsc_now() < j->until_tsc; n++) {
        if (fs_self() != j->self)
            j->ok = 0;
        if (n % 4096 == 0)
            sys_getpid();
        if (n % 65536 == 0)
            sys_yield();
    }
    return NULL;
}

static void check_fs_base(uint64_t per_ms)
{
    uint64_t until = rdtsc_now() + 200 * per_ms;
    fs_job_t j[3] = { { until, 0, 0 }, { until, 0, 0 }, { until, 0, 0 } };
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, t_fs_hold, &j[i]);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    T_CHECK(P, "fs-base-per-thread-kept-across-switches",
            j[0].ok && j[1].ok && j[2].ok && j[0].self != j[1].self &&
            j[1].self != j[2].self && j[0].self != j[2].self && fs_self() != j[0].self);
    uint64_t mine = fs_self();
    T_CHECK(P, "set-fs-base-kernel-address-einval",
            T_FAILS_WITH(sys_set_fs_base((void *)T_KERNEL_ADDR), EINVAL) && fs_self() == mine);
    T_CHECK(P, "set-fs-base-noncanonical-einval",
            T_FAILS_WITH(sys_set_fs_base((void *)T_USER_END), EINVAL) && fs_self() == mine);
}

/* ---------------------------------------------------------------- CPU time, exit word */

static void *t_burn_20ms(void *arg)
{
    (void)arg;
    uint64_t t0 = sys_cputime(0);
    while (sys_cputime(0) - t0 < 20000000ULL)
        ;
    return (void *)sys_cputime(0);
}

/* The cpu_ms figure of /proc/self/status, 0 when missing. */
static uint64_t proc_cpu_ms(void)
{
    char buf[256];
    int fd = open("/proc/self/status", O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    if (fd >= 0)
        close(fd);
    buf[n > 0 ? n : 0] = '\0';
    const char *at = strstr(buf, "cpu_ms: ");
    return at ? strtoull(at + 8, NULL, 10) : 0;
}

static void check_cputime(void)
{
    uint64_t t0 = sys_cputime(0), w0 = sys_uptime();
    while (sys_uptime() - w0 < 50000000ULL)
        ;
    uint64_t busy = sys_cputime(0) - t0;
    t0 = sys_cputime(0);
    sys_nanosleep(50000000ULL);
    uint64_t slept = sys_cputime(0) - t0;
    printf("t_thread: 50 ms spin charged %llu us, 50 ms sleep %llu us\n",
           (unsigned long long)(busy / 1000), (unsigned long long)(slept / 1000));
    /* A blocked thread is charged nothing; a spinning one at least part of the wall time
     * (other guest threads may have had the CPU meanwhile, never all of it). */
    T_CHECK(P, "cputime-counts-own-work", busy >= 5000000ULL && busy <= 60000000ULL * 4);
    T_CHECK(P, "cputime-sleep-costs-nothing", slept < busy && slept < 20000000ULL);
    uint64_t p0 = sys_cputime(CPUTIME_PROCESS);
    pthread_t t;
    void *child_ns = NULL;
    pthread_create(&t, NULL, t_burn_20ms, NULL);
    pthread_join(t, &child_ns);
    uint64_t p1 = sys_cputime(CPUTIME_PROCESS);
    T_CHECK(P, "cputime-process-includes-ended-threads",
            (uint64_t)child_ns >= 20000000ULL && p1 - p0 >= (uint64_t)child_ns);
    T_CHECK(P, "cputime-unknown-tid-esrch", T_FAILS_WITH(sys_cputime(999999), ESRCH));
    T_CHECK(P, "proc-status-shows-cpu-ms", proc_cpu_ms() >= p1 / 1000000);
    T_CHECK(P, "exit-word-unaligned-einval",
            T_FAILS_WITH(sys_thread_exit_word((void *)((uint64_t)&p0 + 1)), EINVAL));
    T_CHECK(P, "exit-word-kernel-efault",
            T_FAILS_WITH(sys_thread_exit_word((void *)T_KERNEL_ADDR), EFAULT));
}

/* ---------------------------------------------------------------- SSE isolation */

typedef struct {
    uint8_t in[256] __attribute__((aligned(16)));
    uint8_t out[256] __attribute__((aligned(16)));
    uint32_t mxcsr_in, mxcsr_out;
    uint64_t until_tsc;
} sse_job_t;

/* Holds xmm0-15 and MXCSR for the whole interval (preempted many times, yielding now and
 * then), then stores them back for comparison. */
static void *t_sse_hold(void *arg)
{
    sse_job_t *j = arg;
    uint64_t cnt = 1, every = 20000;
    __asm__ volatile(
        "ldmxcsr %[mi]\n\t"
        "movdqu 0(%[in]), %%xmm0\n\t"   "movdqu 16(%[in]), %%xmm1\n\t"
        "movdqu 32(%[in]), %%xmm2\n\t"  "movdqu 48(%[in]), %%xmm3\n\t"
        "movdqu 64(%[in]), %%xmm4\n\t"  "movdqu 80(%[in]), %%xmm5\n\t"
        "movdqu 96(%[in]), %%xmm6\n\t"  "movdqu 112(%[in]), %%xmm7\n\t"
        "movdqu 128(%[in]), %%xmm8\n\t" "movdqu 144(%[in]), %%xmm9\n\t"
        "movdqu 160(%[in]), %%xmm10\n\t" "movdqu 176(%[in]), %%xmm11\n\t"
        "movdqu 192(%[in]), %%xmm12\n\t" "movdqu 208(%[in]), %%xmm13\n\t"
        "movdqu 224(%[in]), %%xmm14\n\t" "movdqu 240(%[in]), %%xmm15\n\t"
        "1: rdtsc\n\t"
        "shlq $32, %%rdx\n\t"
        "orq %%rdx, %%rax\n\t"
        "cmpq %[until], %%rax\n\t"
        "jae 2f\n\t"
        "decq %[cnt]\n\t"
        "jnz 1b\n\t"
        "movq %[every], %[cnt]\n\t"
        "movl %[yield], %%eax\n\t"
        "syscall\n\t"
        "jmp 1b\n\t"
        "2: movdqu %%xmm0, 0(%[out])\n\t"   "movdqu %%xmm1, 16(%[out])\n\t"
        "movdqu %%xmm2, 32(%[out])\n\t"  "movdqu %%xmm3, 48(%[out])\n\t"
        "movdqu %%xmm4, 64(%[out])\n\t"  "movdqu %%xmm5, 80(%[out])\n\t"
        "movdqu %%xmm6, 96(%[out])\n\t"  "movdqu %%xmm7, 112(%[out])\n\t"
        "movdqu %%xmm8, 128(%[out])\n\t" "movdqu %%xmm9, 144(%[out])\n\t"
        "movdqu %%xmm10, 160(%[out])\n\t" "movdqu %%xmm11, 176(%[out])\n\t"
        "movdqu %%xmm12, 192(%[out])\n\t" "movdqu %%xmm13, 208(%[out])\n\t"
        "movdqu %%xmm14, 224(%[out])\n\t" "movdqu %%xmm15, 240(%[out])\n\t"
        "stmxcsr %[mo]"
        : [cnt] "+r"(cnt), [mo] "=m"(j->mxcsr_out)
        : [in] "r"(j->in), [out] "r"(j->out), [until] "r"(j->until_tsc), [every] "r"(every),
          [mi] "m"(j->mxcsr_in), [yield] "i"(SYS_YIELD)
        : "rax", "rdx", "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
          "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
    return NULL;
}

static void check_sse(uint64_t per_ms)
{
    static sse_job_t j[2];
    uint64_t until = rdtsc_now() + 300 * per_ms;
    for (int t = 0; t < 2; t++) {
        for (int i = 0; i < 256; i++)
            j[t].in[i] = (uint8_t)(t == 0 ? i * 7 + 1 : 255 - i * 3);
        j[t].mxcsr_in = t == 0 ? 0x1F80 : (0x1F80 | (3u << 13)); /* nearest / toward zero */
        j[t].until_tsc = until;
    }
    pthread_t a, b;
    pthread_create(&a, NULL, t_sse_hold, &j[0]);
    pthread_create(&b, NULL, t_sse_hold, &j[1]);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    T_CHECK(P, "sse-registers-never-leak-between-threads",
            memcmp(j[0].in, j[0].out, 256) == 0 && memcmp(j[1].in, j[1].out, 256) == 0);
    T_CHECK(P, "mxcsr-is-per-thread", j[0].mxcsr_out == j[0].mxcsr_in &&
                                      j[1].mxcsr_out == j[1].mxcsr_in);
}

/* ---------------------------------------------------------------- exits (child modes) */

static uint32_t never; /* stays 0: futex waits on it block until the process ends */

static void *t_block_futex(void *arg)
{
    (void)arg;
    sys_futex(&never, FUTEX_WAIT, 0, CLOCK_NEVER);
    return NULL;
}

static void *t_block_sleep(void *arg)
{
    (void)arg;
    sys_nanosleep(3600ULL * 1000000000ULL);
    return NULL;
}

static void *t_block_spin(void *arg)
{
    (void)arg;
    for (;;)
        __asm__ volatile("pause");
    return NULL;
}

static void *t_worker_outlives_main(void *arg)
{
    (void)arg;
    uint64_t r = sys_futex(&never, FUTEX_WAIT, 0, 100000000ULL); /* 100 ms */
    exit(r == ERR && sys_errno() == ETIMEDOUT ? 42 : 1);
}

static void start_blockers(void)
{
    pthread_t t;
    pthread_create(&t, NULL, t_block_futex, NULL);
    pthread_create(&t, NULL, t_block_futex, NULL);
    pthread_create(&t, NULL, t_block_sleep, NULL);
    pthread_create(&t, NULL, t_block_spin, NULL);
    sys_nanosleep(30000000ULL); /* let them all block */
}

static void *t_last_out(void *arg)
{
    (void)arg;
    sys_nanosleep(50000000ULL);
    return NULL; /* pthread_exit -> thread_exit of the last thread: status 0 */
}

static int recurse_deep(int n)
{
    volatile char pad[512];
    pad[0] = (char)n;
    return n > 0 ? recurse_deep(n - 1) + pad[0] : 0;
}

static void *t_overflow(void *arg)
{
    (void)arg;
    recurse_deep(1 << 20); /* far past 64 KiB: hits the guard page */
    return NULL;
}

static int child_mode(const char *m)
{
    if (strcmp(m, "stack-overflow") == 0) {
        pthread_t t;
        pthread_create(&t, NULL, t_overflow, NULL);
        pthread_join(t, NULL);
        return 0;
    }
    if (strcmp(m, "exit-blocked") == 0) {
        start_blockers();
        exit(7);
    }
    if (strcmp(m, "kill-blocked") == 0) {
        start_blockers();
        for (;;)
            sys_nanosleep(1000000000ULL); /* the parent kills us */
    }
    if (strcmp(m, "main-exits-first") == 0) {
        pthread_t t;
        pthread_create(&t, NULL, t_worker_outlives_main, NULL);
        pthread_exit(NULL);
    }
    if (strcmp(m, "last-thread-exit") == 0) {
        pthread_t t;
        pthread_create(&t, NULL, t_last_out, NULL);
        sys_thread_exit();
    }
    return 100;
}

static void check_exits(void)
{
    uint64_t t0 = sys_uptime();
    T_CHECK(P, "process-exit-stops-blocked-threads",
            t_run1("/bin/t_thread", "exit-blocked") == 7);
    T_CHECK(P, "process-exit-is-prompt", sys_uptime() - t0 < 3000000000ULL);
    T_CHECK(P, "thread-exit-while-another-blocks",
            t_run1("/bin/t_thread", "main-exits-first") == 42);
    T_CHECK(P, "thread-stack-overflow-faults",
            t_run1("/bin/t_thread", "stack-overflow") == (WAIT_STATUS_KILLED | (T_FAULT_BASE + 14)));
    T_CHECK(P, "last-thread-exit-ends-process-0",
            t_run1("/bin/t_thread", "last-thread-exit") == 0);

    const char *argv[] = { "/bin/t_thread", "kill-blocked", NULL };
    uint64_t pid = sys_spawn(argv, NULL, NULL, 0);
    sys_nanosleep(200000000ULL);
    int32_t status = -1;
    int killed = sys_kill(pid, 9) == 0 && sys_wait(pid, &status, 0) == pid;
    T_CHECK(P, "kill-stops-blocked-threads", killed && status == (WAIT_STATUS_KILLED | 9));
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return child_mode(argv[1]);
    uint64_t per_ms = tsc_per_ms();
    check_create_join();
    check_ids();
    check_bad_create();
    check_errno_per_thread();
    check_gs_base(per_ms);
    check_fs_base(per_ms);
    check_cputime();
    check_sse(per_ms);
    check_exits();
    return t_failures ? 1 : 0;
}
