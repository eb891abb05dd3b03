/*
 * runq.c - the per-CPU run queue: a leftist min-heap of READY threads keyed by
 * (vruntime, tid), linked through the threads themselves (no allocation). Insert and
 * pop-min merge along right spines, which a leftist heap keeps at most log2(n + 1) long, so
 * each costs O(log n) even in the worst case. The scheduler lock is held for every call.
 *
 * sched_verify() re-derives every invariant the scheduler relies on; it runs on each
 * decision when sched_verify_enabled (command-line flag `sched_verify`, and under `ktest`).
 */
#include "sched/sched.h"
#include "kernel/arch/cpu.h"
#include "kernel/panic.h"

/* How far behind min_vruntime a queued thread may be (sched.c places woken threads). */
#define RUNQ_MAX_LAG 3000000ULL

static uint32_t rank_of(const thread_t *t)
{
    return t ? t->rq_rank : 0;
}

static bool runq_before(const thread_t *a, const thread_t *b)
{
    return a->vruntime < b->vruntime || (a->vruntime == b->vruntime && a->tid < b->tid);
}

static thread_t *heap_merge(thread_t *a, thread_t *b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    if (runq_before(b, a)) {
        thread_t *t = a;
        a = b;
        b = t;
    }
    a->rq_right = heap_merge(a->rq_right, b);
    if (rank_of(a->rq_left) < rank_of(a->rq_right)) {
        thread_t *t = a->rq_left;
        a->rq_left = a->rq_right;
        a->rq_right = t;
    }
    a->rq_rank = rank_of(a->rq_right) + 1;
    return a;
}

void runq_insert(sched_cpu_t *cpu, thread_t *t)
{
    ASSERT(!t->on_rq && t->state == THREAD_READY && t != cpu->idle);
    t->rq_left = t->rq_right = NULL;
    t->rq_rank = 1;
    t->on_rq = true;
    t->cpu = cpu->index;
    cpu->rq_root = heap_merge(cpu->rq_root, t);
    cpu->rq_count++;
    cpu->rq_weight += t->weight;
}

thread_t *runq_peek_min(const sched_cpu_t *cpu)
{
    return cpu->rq_root;
}

thread_t *runq_pop_min(sched_cpu_t *cpu)
{
    thread_t *t = cpu->rq_root;
    if (!t)
        return NULL;
    cpu->rq_root = heap_merge(t->rq_left, t->rq_right);
    t->rq_left = t->rq_right = NULL;
    t->on_rq = false;
    cpu->rq_count--;
    cpu->rq_weight -= t->weight;
    return t;
}

typedef struct {
    uint32_t count;
    uint64_t weight;
} verify_sum_t;

/* Walks left children in a loop and recurses only to the right, whose depth the leftist
 * rank bounds by log2(n + 1): deep left paths cannot overflow the kernel stack. */
static const char *check_node(const sched_cpu_t *cpu, const thread_t *t, const thread_t *parent,
                              verify_sum_t *sum)
{
    for (; t; parent = t, t = t->rq_left) {
        if (sum->count > 1000000)
            return "run queue is not a tree";
        if (!t->on_rq || t->state != THREAD_READY || t->cpu != cpu->index)
            return "queued thread is not READY and on this CPU";
        if (t == cpu->idle || t == cpu->current)
            return "idle or current thread is queued";
        if (parent && runq_before(t, parent))
            return "heap order broken";
        if (rank_of(t->rq_left) < rank_of(t->rq_right) || t->rq_rank != rank_of(t->rq_right) + 1)
            return "leftist rank broken";
        if (t->vruntime + RUNQ_MAX_LAG < cpu->min_vruntime)
            return "queued thread lags min_vruntime by more than the wake-up credit";
        if (t->weight != sched_nice_to_weight(t->nice) || t->preempt_count != 0)
            return "queued thread's weight or preempt count is wrong";
        sum->count++;
        sum->weight += t->weight;
        const char *why = check_node(cpu, t->rq_right, t, sum);
        if (why)
            return why;
    }
    return NULL;
}

static const char *check_timers(const sched_cpu_t *cpu)
{
    const thread_t *prev = NULL;
    unsigned n = 0;
    for (const thread_t *t = cpu->timers; t; prev = t, t = t->timer_next) {
        if (!t->timer_armed || t->timer_prev != prev || !t->timer_fn || ++n > 1000000)
            return "timer list links broken";
        if (prev && prev->timer_deadline > t->timer_deadline)
            return "timer list out of order";
        if (t->state != THREAD_BLOCKED)
            return "timer armed for a thread that is not blocked";
    }
    return NULL;
}

const char *sched_check(const sched_cpu_t *cpu)
{
    const thread_t *cur = cpu->current;
    if (!cur || cur->state != THREAD_RUNNING || cur->on_rq)
        return "current thread is not a running, unqueued thread";
    if (cpu->idle->on_rq)
        return "idle thread is queued";
    if (cur == cpu->idle && cpu->rq_root)
        return "idle runs while threads are ready";
    verify_sum_t sum = { 0, 0 };
    const char *why = check_node(cpu, cpu->rq_root, NULL, &sum);
    if (why)
        return why;
    if (sum.count != cpu->rq_count || sum.weight != cpu->rq_weight)
        return "queue count or total weight does not match the queue";
    return check_timers(cpu);
}

void sched_verify(sched_cpu_t *cpu)
{
    if (!sched_lock_held())
        panic("sched_verify: called without the scheduler lock");
    const char *why = sched_check(cpu);
    if (why)
        panic("sched_verify: cpu %u: %s", cpu->index, why);
}
