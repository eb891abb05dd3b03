/*
 * test_runq.c - the scheduler's run queue (a leftist min-heap on (vruntime, tid)) against a
 * brute-force reference: random interleavings of inserts and pop-mins always return the
 * reference minimum, counts and weights match, and every node keeps the leftist rank and
 * heap order, with the right spine never longer than log2(n + 1).
 */
#include <stdarg.h>
#include <string.h>
#include "host_test.h"

#include "sched/runq.c"

void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    abort();
}

/* One thread, no other CPU: the lock is always "held" where runq.c asks. */
bool sched_lock_held(void)
{
    return true;
}

uint32_t sched_nice_to_weight(int nice)
{
    return (uint32_t)(1024 + nice);
}

#define N 600

static thread_t th[N];
static bool queued[N];
static uint64_t rng_state = 88172645463325252ULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int ref_min(void)
{
    int best = -1;
    for (int i = 0; i < N; i++)
        if (queued[i] && (best < 0 || runq_before(&th[i], &th[best])))
            best = i;
    return best;
}

/* Returns the subtree size; checks order and rank on the way. */
static unsigned check_tree(const thread_t *t, const thread_t *parent, bool *ok)
{
    if (!t)
        return 0;
    if (parent && runq_before(t, parent))
        *ok = false;
    if (rank_of(t->rq_left) < rank_of(t->rq_right) || t->rq_rank != rank_of(t->rq_right) + 1)
        *ok = false;
    return 1 + check_tree(t->rq_left, t, ok) + check_tree(t->rq_right, t, ok);
}

static unsigned log2_ceil(unsigned n)
{
    unsigned r = 0;
    while ((1u << r) < n)
        r++;
    return r;
}

HOST_TEST(runq_matches_reference_under_random_operations)
{
    sched_cpu_t cpu;
    memset(&cpu, 0, sizeof cpu);
    thread_t idle;
    memset(&idle, 0, sizeof idle);
    cpu.idle = &idle;
    for (int i = 0; i < N; i++) {
        th[i].tid = (uint64_t)i + 1;
        th[i].weight = 1000 + (uint32_t)(i % 7);
    }
    unsigned count = 0;
    uint64_t weight = 0;
    bool ok = true;
    for (int step = 0; step < 20000 && ok; step++) {
        int i = (int)(rng() % N);
        if (!queued[i] && rng() % 3) {
            th[i].vruntime = rng() % 5000;
            th[i].state = THREAD_READY;
            runq_insert(&cpu, &th[i]);
            queued[i] = true;
            count++;
            weight += th[i].weight;
        } else if (count) {
            int want = ref_min();
            thread_t *got = runq_pop_min(&cpu);
            ok &= got == &th[want];
            queued[want] = false;
            count--;
            weight -= th[want].weight;
        }
        ok &= cpu.rq_count == count && cpu.rq_weight == weight;
        if (step % 97 == 0) {
            ok &= check_tree(cpu.rq_root, NULL, &ok) == count;
            ok &= rank_of(cpu.rq_root) <= log2_ceil(count + 1) + 1;
        }
    }
    CHECK(ok);
    while (count--)
        CHECK(runq_pop_min(&cpu) != NULL);
    CHECK(runq_pop_min(&cpu) == NULL && cpu.rq_root == NULL);
}
