/*
 * sched_tickless_ktest.c - tickless idle (the default) against the wake-up sources that do
 * not come from a timer on the idle CPU itself. A thread left waiting in a busy CPU's queue
 * is pulled by a tickless idle CPU (the busy CPU's tick wakes it): kmain keeps CPU 0 busy
 * with preemption off, so only another CPU can run the thread, and before the fix nothing
 * ever woke that CPU to look. It needs two CPUs and tickless idle (the default).
 */
#include "kernel/arch/apic.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/smp.h"
#include "kernel/ktest.h"
#include "kernel/time/clock.h"
#include "proc/process.h"
#include "sched/sched.h"

#define KT_NOT_RUN      (~0u)
#define KT_SETTLE_NS    2000000000ULL /* CPU 1 stops its tick within this after boot work */
#define KT_TICKS_BOUND  100           /* CPU 0 ticks (1 s at 100 Hz) the pull may take */

static unsigned kt_ran_on = KT_NOT_RUN;

static void kt_note_cpu_and_exit(void *arg)
{
    (void)arg;
    __atomic_store_n(&kt_ran_on, smp_cpu_index(), __ATOMIC_RELEASE);
    sched_exit_current();
}

/* True once CPU 1 idles with its tick stopped and nothing queued. */
static bool kt_cpu1_tickless_idle(void)
{
    uint64_t deadline = clock_now_ns() + KT_SETTLE_NS;
    while (clock_now_ns() < deadline) {
        uint64_t f = sched_lock();
        sched_cpu_t *c = sched_cpu(1);
        bool idle = c->current == c->idle && c->tickless && !c->rq_root;
        sched_unlock(f);
        if (idle)
            return true;
        sched_sleep_ns(1000000);
    }
    return false;
}

/* Queues t on CPU 0 as a wake-up does when t's cache is warm there (sched_place). */
static void kt_queue_on_cpu0(thread_t *t)
{
    uint64_t f = sched_lock();
    sched_cpu_t *c = sched_cpu(0);
    t->vruntime = c->min_vruntime;
    t->state = THREAD_READY;
    runq_insert(c, t);
    sched_unlock(f);
}

KTEST(sched_tickless_idle_cpu_pulls_a_thread_queued_behind_a_busy_one)
{
    if (!sched_tickless() || smp_online_count() < 2)
        return; /* `notickless`: idle CPUs pull on their own ticks; one CPU: nowhere to go */
    KTEST_EXPECT(kt_cpu1_tickless_idle());
    thread_t *t = thread_create_kernel(process_kernel(), "kt-queued", kt_note_cpu_and_exit, NULL);
    KTEST_EXPECT(t);
    __atomic_store_n(&kt_ran_on, KT_NOT_RUN, __ATOMIC_RELEASE);
    sched_preempt_disable(); /* CPU 0 stays on kmain: only another CPU can run t */
    uint64_t ticks = apic_timer_ticks_cpu(0);
    kt_queue_on_cpu0(t);
    while (__atomic_load_n(&kt_ran_on, __ATOMIC_ACQUIRE) == KT_NOT_RUN &&
           apic_timer_ticks_cpu(0) - ticks < KT_TICKS_BOUND)
        cpu_pause();
    unsigned ran_on = __atomic_load_n(&kt_ran_on, __ATOMIC_ACQUIRE);
    sched_preempt_enable(); /* if nobody pulled it, it runs here now, and the test fails */
    KTEST_EXPECT(ran_on != KT_NOT_RUN && ran_on != 0);
}
