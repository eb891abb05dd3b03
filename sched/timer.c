/*
 * timer.c - per-thread timers (sleep and futex timeouts) and sched_sleep_ns.
 *
 * Each CPU keeps its armed timers in a list sorted by deadline; the LAPIC tick
 * (sched_timer_tick) fires every expired one. A timer stays on the list of the CPU that
 * armed it (timer_cpu) even if its thread runs elsewhere later; the scheduler lock covers
 * every list. A thread owns at most one timer and arms it
 * only while it blocks, so the list holds at most one entry per sleeping thread and nothing
 * is allocated. Arming walks the list (O(sleepers)); firing and disarming are O(1).
 * A timer fires on the first tick at or after its deadline: a sleep never ends early and
 * ends at most one tick period (plus scheduling) late.
 */
#include "sched/sched.h"
#include <spindle/errno.h>
#include "kernel/arch/cpu.h"
#include "kernel/panic.h"
#include "kernel/time/clock.h"

void timer_arm(thread_t *t, uint64_t deadline_ns, void (*fn)(thread_t *t))
{
    ASSERT(sched_lock_held() && !t->timer_armed && fn);
    sched_cpu_t *cpu = sched_cpu(t->cpu);
    t->timer_cpu = t->cpu;
    t->timer_deadline = deadline_ns;
    t->timer_fn = fn;
    t->timer_armed = true;
    thread_t *prev = NULL, *c = cpu->timers;
    while (c && c->timer_deadline <= deadline_ns) {
        prev = c;
        c = c->timer_next;
    }
    t->timer_prev = prev;
    t->timer_next = c;
    if (c)
        c->timer_prev = t;
    if (prev)
        prev->timer_next = t;
    else
        cpu->timers = t;
}

void timer_disarm(thread_t *t)
{
    if (!t->timer_armed)
        return;
    sched_cpu_t *cpu = sched_cpu(t->timer_cpu);
    if (t->timer_prev)
        t->timer_prev->timer_next = t->timer_next;
    else
        cpu->timers = t->timer_next;
    if (t->timer_next)
        t->timer_next->timer_prev = t->timer_prev;
    t->timer_next = t->timer_prev = NULL;
    t->timer_armed = false;
}

void timer_expire(sched_cpu_t *cpu, uint64_t now_ns)
{
    thread_t *t;
    while ((t = cpu->timers) && t->timer_deadline <= now_ns) {
        void (*fn)(thread_t *) = t->timer_fn;
        timer_disarm(t);
        fn(t);
    }
}

/* The timeout of a blocked thread: off whatever it waits on, woken with ETIMEDOUT. */
static void timer_timeout(thread_t *t)
{
    if (t->state != THREAD_BLOCKED)
        return;
    if (t->wait_cancel)
        t->wait_cancel(t);
    t->wait_result = ETIMEDOUT;
    sched_wake(t);
}

/* A plain sleep waits on nothing but its timer. */
static void sleep_cancel(thread_t *t)
{
    (void)t;
}

static bool sleep_interrupted(const thread_t *t)
{
    return sched_kill_pending(t);
}

int sched_sleep_ns(uint64_t ns)
{
    if (ns == 0) {
        sched_yield();
        return 0;
    }
    uint64_t now = clock_now_ns();
    uint64_t deadline = ns > UINT64_MAX - now ? UINT64_MAX : now + ns;
    uint64_t f = sched_lock();
    thread_t *t = sched_current();
    int r = EINTR;
    if (!sleep_interrupted(t)) {
        t->wait_result = 0;
        t->wait_cancel = sleep_cancel;
        t->wait_obj = NULL;
        t->state = THREAD_BLOCKED;
        timer_arm(t, deadline, timer_timeout);
        sched_block_current();
        r = t->wait_result == ETIMEDOUT ? 0 : t->wait_result;
    }
    sched_unlock(f);
    return r;
}

/* For sched/futex.c: arms the standard timeout for a thread about to block. */
void timer_arm_timeout(thread_t *t, uint64_t deadline_ns)
{
    timer_arm(t, deadline_ns, timer_timeout);
}
