/*
 * sched_preempt_ktest.c - the run queue's order and shape, preemption of kernel threads that
 * never yield, weights, sleeping bounds, and the timer list.
 */
#include "kernel/arch/apic.h"
#include "kernel/arch/cpu.h"
#include "kernel/kprintf.h"
#include "kernel/ktest.h"
#include "kernel/lib/string.h"
#include "kernel/time/clock.h"
#include "proc/process.h"
#include "sched/sched.h"

#define T_RUNQ_N 200

KTEST(sched_runq_pops_threads_in_vruntime_order)
{
    static thread_t ts[T_RUNQ_N];
    sched_cpu_t cpu;
    memset(&cpu, 0, sizeof cpu);
    cpu.index = 0;
    uint64_t x = 0x243F6A8885A308D3ULL;
    uint64_t weight = 0;
    for (int i = 0; i < T_RUNQ_N; i++) {
        memset(&ts[i], 0, sizeof ts[i]);
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        ts[i].vruntime = x % 1000; /* many ties: the tid breaks them */
        ts[i].tid = (uint64_t)i + 1;
        ts[i].state = THREAD_READY;
        ts[i].weight = sched_nice_to_weight(i % 40 - 20);
        weight += ts[i].weight;
        runq_insert(&cpu, &ts[i]);
    }
    KTEST_EXPECT(cpu.rq_count == T_RUNQ_N && cpu.rq_weight == weight);
    KTEST_EXPECT(cpu.rq_root->rq_rank <= 8); /* right spine <= log2(n + 1) */
    uint64_t last_v = 0, last_tid = 0;
    for (int i = 0; i < T_RUNQ_N; i++) {
        thread_t *t = runq_pop_min(&cpu);
        KTEST_EXPECT(t && !t->on_rq);
        KTEST_EXPECT(t->vruntime > last_v || (t->vruntime == last_v && t->tid > last_tid));
        last_v = t->vruntime;
        last_tid = t->tid;
    }
    KTEST_EXPECT(runq_pop_min(&cpu) == NULL && cpu.rq_count == 0 && cpu.rq_weight == 0);
}

/* sched_check must notice each kind of damage (else the debug checks prove nothing). */
KTEST(sched_check_reports_broken_invariants)
{
    static thread_t ts[4], cur, idle;
    sched_cpu_t cpu;
    memset(&cpu, 0, sizeof cpu);
    memset(&cur, 0, sizeof cur);
    memset(&idle, 0, sizeof idle);
    cur.state = THREAD_RUNNING;
    cur.weight = idle.weight = SCHED_NICE_0_WEIGHT;
    cpu.current = &cur;
    cpu.idle = &idle;
    for (int i = 0; i < 4; i++) {
        memset(&ts[i], 0, sizeof ts[i]);
        ts[i].tid = (uint64_t)i + 100;
        ts[i].vruntime = (uint64_t)i * 1000;
        ts[i].state = THREAD_READY;
        ts[i].weight = SCHED_NICE_0_WEIGHT;
        runq_insert(&cpu, &ts[i]);
    }
    KTEST_EXPECT(sched_check(&cpu) == NULL);
    cpu.rq_root->vruntime += 5000; /* root above its children */
    KTEST_EXPECT(sched_check(&cpu) != NULL);
    cpu.rq_root->vruntime -= 5000;
    cpu.rq_weight++;
    KTEST_EXPECT(sched_check(&cpu) != NULL);
    cpu.rq_weight--;
    ts[2].state = THREAD_BLOCKED;
    KTEST_EXPECT(sched_check(&cpu) != NULL);
    ts[2].state = THREAD_READY;
    cpu.rq_root->rq_rank++; /* rank no longer the right spine's length */
    KTEST_EXPECT(sched_check(&cpu) != NULL);
    cpu.rq_root->rq_rank--;
    KTEST_EXPECT(sched_check(&cpu) == NULL);
    cpu.current = &idle;
    idle.state = THREAD_RUNNING;
    KTEST_EXPECT(sched_check(&cpu) != NULL); /* idle while threads are ready */
}

typedef struct {
    thread_t *self;
    thread_t *seen;
    volatile bool done;
} t_whoami_t;

static void t_whoami(void *arg)
{
    t_whoami_t *w = arg;
    w->seen = sched_current();
    w->done = true;
    sched_exit_current();
}

KTEST(sched_current_is_found_from_the_kernel_stack)
{
    t_whoami_t w = { 0 };
    w.self = thread_create_kernel(process_kernel(), "whoami", t_whoami, &w);
    KTEST_EXPECT(w.self);
    sched_start_on(w.self, sched_cpu_this()->index); /* the checks assume one CPU */
    while (!w.done)
        sched_yield();
    KTEST_EXPECT(w.seen == w.self);
    KTEST_EXPECT(sched_current() == sched_cpu_this()->current); /* kmain: the boot stack */
}

KTEST(sched_nice_weights_step_by_a_quarter)
{
    KTEST_EXPECT(sched_nice_to_weight(0) == SCHED_NICE_0_WEIGHT);
    for (int n = SCHED_NICE_MIN; n < SCHED_NICE_MAX; n++) {
        uint64_t hi = sched_nice_to_weight(n), lo = sched_nice_to_weight(n + 1);
        KTEST_EXPECT(hi * 100 >= lo * 120 && hi * 100 <= lo * 130);
    }
}

typedef struct {
    volatile uint64_t count;
    volatile bool stop;
    volatile bool done;
    thread_t *thread;
    uint64_t cpu_ns;    /* CPU time the scheduler charged it: what its shares are made of */
} t_spinner_t;

/* Never yields, never blocks: only preemption takes the CPU from it. */
static void t_spin(void *arg)
{
    t_spinner_t *s = arg;
    while (!s->stop)
        s->count++;
    s->done = true;
    sched_exit_current();
}

/* CPU time of the spinners so far (they are alive until told to stop). */
static uint64_t t_spinners_cpu_ns(t_spinner_t *s, int n)
{
    uint64_t sum = 0, f = sched_lock();
    for (int i = 0; i < n; i++)
        sum += s[i].cpu_ns = sched_thread_cpu_ns(s[i].thread);
    sched_unlock(f);
    return sum;
}

/* Runs n spinners on this CPU until the scheduler has given them total_ms of CPU time
 * together (at most 20 s of wall time), then stops them. Shares are judged by the CPU time
 * the scheduler charged each, not by loop counts or wall time: a busy host stalls the
 * virtual CPU at random, skewing both, while the charged time is what fairness is made of. */
static bool t_spinners_run(t_spinner_t *s, int n, const int *nice, uint64_t total_ms)
{
    for (int i = 0; i < n; i++) {
        s[i] = (t_spinner_t){ 0 };
        thread_t *t = thread_create_kernel(process_kernel(), "spin", t_spin, &s[i]);
        if (!t)
            return false;
        s[i].thread = t;
        sched_set_nice(t, nice[i]);
        sched_start_on(t, sched_cpu_this()->index);
    }
    uint64_t t0 = clock_now_ns();
    while (t_spinners_cpu_ns(s, n) < total_ms * 1000000ULL &&
           clock_now_ns() - t0 < 20000000000ULL)
        sched_sleep_ns(10000000ULL);
    for (int i = 0; i < n; i++)
        s[i].stop = true;
    for (int i = 0; i < n; i++)
        while (!s[i].done)
            sched_sleep_ns(1000000);
    return true;
}

/* A stall of the whole virtual machine is charged to whichever spinner had the CPU, and a
 * short run may end before the scheduler has evened it out: up to three runs, so only a
 * scheduler that is unfair every time fails. */
static bool t_spinners_share(const int *nice, uint64_t total_ms, unsigned lo_pct,
                             unsigned hi_pct)
{
    for (int attempt = 0; attempt < 3; attempt++) {
        t_spinner_t s[2];
        if (!t_spinners_run(s, 2, nice, total_ms))
            return false;
        uint64_t sum = s[0].cpu_ns + s[1].cpu_ns;
        uint64_t pct0 = sum ? s[0].cpu_ns * 100 / sum : 0;
        if (s[0].count && s[1].count && pct0 >= lo_pct && pct0 <= hi_pct)
            return true;
        kprintf("sched-ktest: spinners (nice %d, %d) got %lu%% / %lu%%; once more\n", nice[0],
                nice[1], (unsigned long)pct0, (unsigned long)(100 - pct0));
    }
    return false;
}

KTEST(sched_kernel_threads_that_never_yield_share_the_cpu)
{
    const int nice[2] = { 0, 0 };
    uint64_t sw = sched_cpu_this()->switches;
    KTEST_EXPECT(t_spinners_share(nice, 600, 38, 62)); /* equal weights: about 50 % each */
    KTEST_EXPECT(sched_cpu_this()->switches > sw + 10);
}

KTEST(sched_higher_priority_kernel_thread_gets_more_cpu)
{
    const int nice[2] = { 0, -5 }; /* weight 1024 vs 3121: about 25 % / 75 % */
    KTEST_EXPECT(t_spinners_share(nice, 800, 17, 33));
}

KTEST(sched_sleep_ends_no_earlier_than_asked_and_soon_after)
{
    for (int i = 0; i < 3; i++) {
        uint64_t ask = 15000000ULL + (uint64_t)i * 7000000ULL;
        uint64_t t0 = clock_now_ns();
        KTEST_EXPECT(sched_sleep_ns(ask) == 0);
        uint64_t took = clock_now_ns() - t0;
        KTEST_EXPECT(took >= ask);
        KTEST_EXPECT(took < ask + 250000000ULL); /* ticks are 10 ms; the rest is a busy host */
    }
    KTEST_EXPECT(sched_cpu_this()->timers == NULL);
}

KTEST(sched_idle_cpu_halts_instead_of_spinning)
{
    /* While kmain sleeps only the idle thread can run: it must not burn its time in a loop
     * of switches (one switch in and one out per wake-up at most, plus ticks). */
    uint64_t sw = sched_cpu_this()->switches;
    sched_sleep_ns(50000000ULL);
    KTEST_EXPECT(sched_cpu_this()->switches - sw <= 4);
}

KTEST(sched_idle_is_tickless_and_wakes_on_time)
{
    /* Only kmain and idle exist here: while kmain sleeps, idle replaces the 100 Hz tick by
     * one interrupt at the deadline, so a 100 ms sleep sees about one tick, not ten. */
    uint64_t ticks = apic_timer_ticks();
    uint64_t t0 = clock_now_ns();
    KTEST_EXPECT(sched_sleep_ns(100000000ULL) == 0);
    uint64_t took = clock_now_ns() - t0;
    KTEST_EXPECT(took >= 100000000ULL);
    KTEST_EXPECT(took < 100000000ULL + 250000000ULL); /* on time, plus host-load slack */
    if (sched_tickless() && !apic_timer_has_hooks()) /* a polled driver keeps CPU 0's tick */
        KTEST_EXPECT(apic_timer_ticks() - ticks <= 4);
}
