/*
 * sched_ktest.c - the scheduler core with kernel threads: a thread runs when the boot thread
 * yields, its stack and struct are freed after it exits, and a blocked thread sleeps until
 * it is woken. On several CPUs (each also runs, trivially, on one): a pinned thread runs on
 * its CPU; a thread blocked on one CPU is woken from another; a spinlock keeps a counter
 * exact while two CPUs hammer it; a kernel unmap is answered by every other CPU's TLB
 * shootdown handler; and the lock-order rule itself.
 */
#include "kernel/arch/cpu.h"
#include "kernel/arch/smp.h"
#include "kernel/arch/spinlock.h"
#include "kernel/arch/tlb.h"
#include "kernel/ktest.h"
#include "mm/vmm.h"
#include "mm/heap.h"
#include "mm/pmm.h"
#include "proc/process.h"
#include "sched/sched.h"

static void t_set_flag_and_exit(void *arg)
{
    *(volatile int *)arg = 1;
    sched_exit_current();
}

KTEST(sched_kernel_thread_runs_and_everything_is_freed)
{
    volatile int flag = 0;
    heap_trim();
    size_t pages = pmm_free_pages();
    thread_t *t = thread_create_kernel(process_kernel(), "ktest", t_set_flag_and_exit, (void *)&flag);
    KTEST_EXPECT(t);
    sched_start_on(t, sched_cpu_this()->index); /* the checks assume one CPU */
    for (int i = 0; i < 10 && !flag; i++)
        sched_yield();
    KTEST_EXPECT(flag == 1);
    sched_yield(); /* nothing else runs: the dead thread was reaped when we came back */
    heap_trim();
    KTEST_EXPECT(pmm_free_pages() == pages);
}

typedef struct {
    thread_queue_t q;
    volatile int stage;
} t_sleeper_t;

static void t_sleep_once(void *arg)
{
    t_sleeper_t *s = arg;
    sched_lock(); /* held into the wait; this thread never unlocks (it exits) */
    s->stage = 1;
    sched_wait(&s->q);
    s->stage = 2;
    sched_exit_current();
}

KTEST(sched_blocked_thread_sleeps_until_woken)
{
    t_sleeper_t s = { { 0 }, 0 };
    thread_t *t = thread_create_kernel(process_kernel(), "sleeper", t_sleep_once, &s);
    KTEST_EXPECT(t);
    sched_start_on(t, sched_cpu_this()->index); /* the checks assume one CPU */
    for (int i = 0; i < 10 && s.stage == 0; i++)
        sched_yield();
    KTEST_EXPECT(s.stage == 1);
    for (int i = 0; i < 5; i++)
        sched_yield(); /* it stays asleep: nobody woke it */
    KTEST_EXPECT(s.stage == 1);
    sched_wake_all(&s.q);
    for (int i = 0; i < 10 && s.stage == 1; i++)
        sched_yield();
    KTEST_EXPECT(s.stage == 2);
    sched_yield();
}

#define KT_WAIT_STEPS 2000 /* 1 ms each: generous under TCG */

/* Waits (sleeping) until *flag reaches want; false on timeout. */
static bool kt_wait_flag(volatile int *flag, int want)
{
    for (int i = 0; i < KT_WAIT_STEPS && *flag < want; i++)
        sched_sleep_ns(1000000);
    return *flag >= want;
}

static unsigned kt_last_online_cpu(void)
{
    unsigned last = 0;
    for (unsigned i = 0; i < SCHED_MAX_CPUS; i++)
        if (sched_cpu(i)->online)
            last = i;
    return last;
}

/* ---------------------------------------------------------------- pinned threads */

typedef struct {
    volatile int done;
    unsigned seen_cpu, seen_sched_cpu;
} kt_where_t;

static void kt_where(void *arg)
{
    kt_where_t *w = arg;
    w->seen_cpu = smp_cpu_index();
    w->seen_sched_cpu = sched_cpu_this()->index;
    __atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
    sched_exit_current();
}

KTEST(sched_a_pinned_thread_runs_on_every_online_cpu)
{
    for (unsigned cpu = 0; cpu < SCHED_MAX_CPUS; cpu++) {
        if (!sched_cpu(cpu)->online)
            continue;
        kt_where_t w = { 0, ~0u, ~0u };
        thread_t *t = thread_create_kernel(process_kernel(), "kt-where", kt_where, &w);
        KTEST_EXPECT(t);
        if (!t)
            return;
        sched_start_on(t, cpu);
        KTEST_EXPECT(kt_wait_flag(&w.done, 1));
        KTEST_EXPECT(w.seen_cpu == cpu && w.seen_sched_cpu == cpu);
    }
}

/* ---------------------------------------------------------------- spinlock counter */

#define KT_COUNT_ROUNDS 20000

static spinlock_t kt_count_lock = SPINLOCK_INIT(LOCK_RANK_NONE);
static uint64_t kt_count;
static volatile int kt_count_done;

static void kt_count_loop(void *arg)
{
    (void)arg;
    for (int i = 0; i < KT_COUNT_ROUNDS; i++) {
        uint64_t f = spin_lock_irqsave(&kt_count_lock);
        uint64_t v = kt_count;
        __asm__ volatile("pause" ::: "memory"); /* widen the window a race would need */
        kt_count = v + 1;
        spin_unlock_irqrestore(&kt_count_lock, f);
    }
    __atomic_add_fetch(&kt_count_done, 1, __ATOMIC_RELEASE);
    sched_exit_current();
}

KTEST(spinlock_keeps_a_counter_exact_across_cpus)
{
    kt_count = 0;
    kt_count_done = 0;
    unsigned cpus[2] = { 0, kt_last_online_cpu() };
    for (int i = 0; i < 2; i++) {
        thread_t *t = thread_create_kernel(process_kernel(), "kt-count", kt_count_loop, NULL);
        KTEST_EXPECT(t);
        if (!t)
            return;
        sched_start_on(t, cpus[i]);
    }
    KTEST_EXPECT(kt_wait_flag(&kt_count_done, 2));
    KTEST_EXPECT(kt_count == 2 * KT_COUNT_ROUNDS);
}

/* ---------------------------------------------------------------- TLB shootdown */

KTEST(tlb_kernel_unmap_is_answered_by_every_other_cpu)
{
    uint64_t before[SCHED_MAX_CPUS];
    uint64_t ready = tlb_ready_mask();
    for (unsigned i = 0; i < SCHED_MAX_CPUS; i++)
        before[i] = tlb_flushes_served(i);
    uint64_t top = vmm_alloc_kstack(4 * 4096);
    KTEST_EXPECT(top != 0);
    if (!top)
        return;
    *(volatile uint64_t *)(top - 8) = 1; /* a translation worth shooting down */
    vmm_free_kstack(top, 4 * 4096);
    unsigned me = smp_cpu_index();
    for (unsigned i = 0; i < SCHED_MAX_CPUS; i++) {
        if (!(ready & (1ULL << i)))
            continue;
        if (i == me)
            KTEST_EXPECT(tlb_flushes_served(i) == before[i]); /* never its own target */
        else
            KTEST_EXPECT(tlb_flushes_served(i) > before[i]);
    }
}

/* ---------------------------------------------------------------- lock order rule */

KTEST(lock_order_rule_catches_twice_and_inversions)
{
    static int a, b, c; /* only their addresses matter */
    const void *held[2] = { &a, &b };
    unsigned ranks[2] = { LOCK_RANK_SCHED, LOCK_RANK_HEAP };
    KTEST_EXPECT(lock_order_check(held, ranks, 0, &a, LOCK_RANK_SCHED) == NULL);
    KTEST_EXPECT(lock_order_check(held, ranks, 2, &c, LOCK_RANK_PMM) == NULL);
    KTEST_EXPECT(lock_order_check(held, ranks, 2, &b, LOCK_RANK_HEAP) != NULL);  /* twice */
    KTEST_EXPECT(lock_order_check(held, ranks, 2, &c, LOCK_RANK_ASPACE) != NULL); /* < heap */
    KTEST_EXPECT(lock_order_check(held, ranks, 2, &c, LOCK_RANK_HEAP) != NULL);  /* equal */
    KTEST_EXPECT(lock_order_check(held, ranks, 2, &c, LOCK_RANK_NONE) == NULL);  /* unranked */
    KTEST_EXPECT(lock_order_check(held, ranks, 2, &a, LOCK_RANK_NONE) != NULL);  /* twice */
}

/* ---------------------------------------------------------------- cross-CPU wake-up */

KTEST(sched_thread_blocked_on_one_cpu_is_woken_from_another)
{
    t_sleeper_t s = { { 0 }, 0 };
    thread_t *t = thread_create_kernel(process_kernel(), "kt-sleeper", t_sleep_once, &s);
    KTEST_EXPECT(t);
    if (!t)
        return;
    sched_start_on(t, kt_last_online_cpu());
    KTEST_EXPECT(kt_wait_flag(&s.stage, 1));
    uint64_t f = sched_lock();
    bool queued = s.q.head == t; /* it is asleep: the stage flag was set under the lock */
    sched_wake_all(&s.q);
    sched_unlock(f);
    KTEST_EXPECT(queued);
    KTEST_EXPECT(kt_wait_flag(&s.stage, 2));
}
