/*
 * balance.c - where threads run on several CPUs: placement of new and woken threads, and
 * pulling queued threads from busier CPUs (see docs/design.md, "Scheduler", Several CPUs).
 * Load = queued threads + the running one. Every function runs under the scheduler lock.
 */
#include "sched/sched.h"
#include "kernel/arch/tlb.h"
#include "kernel/time/clock.h"

/* A thread that left its CPU less than this long ago finds its cache still warm there. */
#define SCHED_CACHE_HOT_NS 2000000ULL

/* A new thread goes to the least loaded CPU; a woken one back to the CPU it ran on when
 * that was recent (its cache is still warm there) and that CPU runs at most one thread,
 * else to the least loaded. */

unsigned sched_load(const sched_cpu_t *cpu)
{
    return cpu->rq_count + (cpu->current != cpu->idle ? 1u : 0u);
}

static sched_cpu_t *sched_least_loaded(sched_cpu_t *prefer)
{
    sched_cpu_t *best = prefer;
    unsigned best_load = sched_load(prefer);
    for (unsigned i = 0; i < SCHED_MAX_CPUS && best_load; i++) {
        sched_cpu_t *c = sched_cpu(i);
        if (!c->online || c == prefer)
            continue;
        unsigned load = sched_load(c);
        if (load < best_load) {
            best = c;
            best_load = load;
        }
    }
    return best;
}

/* Pinned threads never move by balancing: the boot thread (it runs on the loader's stack,
 * and sched_current finds it through the per-CPU record; it stays on t->cpu) and threads
 * pinned by sched_start_on or setaffinity (they go to pin_cpu). */
bool sched_pinned(const thread_t *t)
{
    return t->kstack_top == 0 || t->pinned;
}

sched_cpu_t *sched_home(thread_t *t, sched_cpu_t *here)
{
    if (t->pinned)
        return sched_cpu(t->pin_cpu);
    return t->kstack_top == 0 ? sched_cpu(t->cpu) : here;
}

sched_cpu_t *sched_place(thread_t *t, bool woken)
{
    sched_cpu_t *last = sched_cpu(t->cpu);
    if (sched_pinned(t))
        return sched_home(t, last);
    if (!last->online)
        return sched_least_loaded(sched_cpu_this());
    if (woken && clock_now_ns() - t->last_ran_ns < SCHED_CACHE_HOT_NS &&
        sched_load(last) <= 1)
        return last;
    return sched_least_loaded(last);
}

/* Moves t's vruntime from one queue's scale to another's (each queue's min_vruntime
 * advances on its own). */
void sched_rebase(thread_t *t, const sched_cpu_t *from, const sched_cpu_t *to)
{
    int64_t lag = (int64_t)(t->vruntime - from->min_vruntime);
    int64_t v = (int64_t)to->min_vruntime + lag;
    t->vruntime = v > 0 ? (uint64_t)v : 0;
}

/* Pulls one queued (not running) thread from the busiest other CPU when that CPU has at
 * least `margin` more load than this one. Idle CPUs pull with margin 1 (anything waiting),
 * busy ones on their tick with margin 2 (a real imbalance). */
bool sched_pull(sched_cpu_t *cpu, unsigned margin)
{
    sched_cpu_t *busiest = NULL;
    unsigned mine = sched_load(cpu), most = 0;
    for (unsigned i = 0; i < SCHED_MAX_CPUS; i++) {
        sched_cpu_t *c = sched_cpu(i);
        if (c == cpu || !c->online || !c->rq_root || sched_pinned(c->rq_root))
            continue;
        unsigned load = sched_load(c);
        if (load >= mine + margin && load > most) {
            busiest = c;
            most = load;
        }
    }
    if (!busiest)
        return false;
    thread_t *t = runq_pop_min(busiest);
    sched_rebase(t, busiest, cpu);
    runq_insert(cpu, t);
    cpu->steals++;
    return true;
}

/* An idle CPU pulls waiting work on its own ticks, but a tickless one takes none: without
 * this, a thread woken onto a busy CPU (cache-warm placement) waits there behind the
 * running one while the idle CPU sleeps until its next timer, or for ever. */
void sched_kick_idle_puller(sched_cpu_t *busy)
{
    if (!busy->rq_root || sched_pinned(busy->rq_root))
        return;
    for (unsigned i = 0; i < SCHED_MAX_CPUS; i++) {
        sched_cpu_t *c = sched_cpu(i);
        if (c == busy || !c->online || !c->tickless || c->current != c->idle)
            continue;
        if (!c->need_resched) {
            c->need_resched = true;
            ipi_send_resched(c->index);
        }
        return;
    }
}
