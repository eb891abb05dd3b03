/*
 * t_sched - the scheduler from user space: a thread spinning forever in user mode does not
 * starve the others; two busy threads of equal priority each get 40-60 % of the CPU over a
 * second (both pinned to CPU 0 with setaffinity, so the check holds on any number of CPUs) and
 * a higher priority gets proportionally more (the CPU time the kernel gave each thread, from
 * cputime(), so a busy host slowing the whole machine cannot skew it); sleeps end no earlier than
 * asked and within a few timer periods; yield and setpriority's errors.
 */
#include <pthread.h>
#include <time.h>
#include "t_check.h"

#define P "t_sched"
#define MS 1000000ULL

/* ---------------------------------------------------------------- preemption */

static volatile int spin_stop;

static void *t_spin_forever(void *arg)
{
    (void)arg;
    while (!spin_stop)
        __asm__ volatile("" ::: "memory"); /* no system call, no yield */
    return NULL;
}

static void check_preemption(void)
{
    pthread_t t;
    pthread_create(&t, NULL, t_spin_forever, NULL);
    uint64_t t0 = sys_uptime();
    sys_nanosleep(30 * MS); /* the spinner has the CPU; only preemption gives it back */
    uint64_t took = sys_uptime() - t0;
    /* Without preemption the sleeper would never wake; the bound is wide because a busy
     * host may stall the whole virtual machine for a while. */
    T_CHECK(P, "spinning-thread-is-preempted", took >= 30 * MS && took < 2000 * MS);
    sys_yield();
    T_CHECK(P, "yield-returns-with-spinner-runnable", sys_yield() == 0);
    spin_stop = 1;
    pthread_join(t, NULL);
}

/* ---------------------------------------------------------------- fairness */

typedef struct {
    int nice;
    uint64_t cpu_ns;      /* CPU time the kernel gave this thread between start and stop */
    volatile int stop;
    pthread_barrier_t *start;
} busy_t;

static void *t_busy(void *arg)
{
    busy_t *b = arg;
    if (b->nice)
        pthread_setnice_np(pthread_self(), b->nice);
    sys_setaffinity(0, 0); /* both on CPU 0: weights divide one CPU, however many there are */
    pthread_barrier_wait(b->start);
    uint64_t t0 = sys_cputime(0);
    while (!b->stop)
        __asm__ volatile("" ::: "memory");
    b->cpu_ns = sys_cputime(0) - t0;
    return NULL;
}

/* Runs two busy threads for ms; returns thread 0's share of their CPU time in percent. */
static unsigned busy_pair(int nice0, int nice1, uint64_t ms)
{
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, 3);
    busy_t b[2] = { { nice0, 0, 0, &start }, { nice1, 0, 0, &start } };
    pthread_t t[2];
    pthread_create(&t[0], NULL, t_busy, &b[0]);
    pthread_create(&t[1], NULL, t_busy, &b[1]);
    pthread_barrier_wait(&start);
    sys_nanosleep(ms * MS);
    b[0].stop = b[1].stop = 1;
    pthread_join(t[0], NULL);
    pthread_join(t[1], NULL);
    uint64_t total = b[0].cpu_ns + b[1].cpu_ns;
    unsigned share = total ? (unsigned)(b[0].cpu_ns * 100 / total) : 0;
    printf("t_sched: nice %d vs %d: %u%% / %u%% (of %llu ms of CPU time)\n", nice0, nice1, share,
           100 - share, (unsigned long long)(total / MS));
    return share;
}

static void check_fairness(void)
{
    unsigned eq = busy_pair(0, 0, 1000);
    T_CHECK(P, "equal-priority-each-40-to-60-percent", eq >= 40 && eq <= 60);
    /* nice 0 weighs 1024 against nice 5's 335: an expected 75 %. */
    unsigned hi = busy_pair(0, 5, 1000);
    T_CHECK(P, "higher-priority-gets-proportionally-more", hi >= 65 && hi <= 85);
    /* nice 10 weighs 110 against nice 0's 1024: about 10 %. */
    unsigned lo = busy_pair(10, 0, 1000);
    T_CHECK(P, "lower-priority-gets-proportionally-less", lo >= 4 && lo <= 18);
}

/* ---------------------------------------------------------------- sleeping */

static void check_sleep(void)
{
    int ok_early = 1, ok_late = 1;
    uint64_t worst = 0;
    for (int i = 0; i < 6; i++) {
        uint64_t ask = (5 + 9 * (uint64_t)i) * MS;
        uint64_t t0 = sys_uptime();
        struct timespec req = { 0, (long)ask };
        nanosleep(&req, NULL);
        uint64_t took = sys_uptime() - t0;
        ok_early &= took >= ask;
        ok_late &= took < ask + 250 * MS; /* ticks are 10 ms; the rest is a busy host */
        if (took - ask > worst)
            worst = took - ask;
    }
    printf("t_sched: worst sleep overshoot %llu us\n", (unsigned long long)(worst / 1000));
    T_CHECK(P, "nanosleep-never-early", ok_early);
    T_CHECK(P, "nanosleep-within-a-few-ticks", ok_late);
    uint64_t t0 = sys_uptime();
    T_CHECK(P, "nanosleep-0-returns", sys_nanosleep(0) == 0 && sys_uptime() - t0 < 1000 * MS);

    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    sys_nanosleep(2 * MS);
    clock_gettime(CLOCK_MONOTONIC, &b);
    T_CHECK(P, "monotonic-clock-advances",
            b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec > a.tv_nsec));
    clock_gettime(CLOCK_REALTIME, &a);
    T_CHECK(P, "realtime-after-2020", a.tv_sec > 1577836800 && a.tv_nsec < 1000000000L);
}

static void check_setpriority(void)
{
    T_CHECK(P, "setpriority-self", sys_setpriority(0, 3) == 0 && sys_setpriority(0, 0) == 0);
    T_CHECK(P, "setpriority-range-einval", T_FAILS_WITH(sys_setpriority(0, 20), EINVAL) &&
                                           T_FAILS_WITH(sys_setpriority(0, (uint64_t)-21), EINVAL));
    T_CHECK(P, "setpriority-negative-eperm", T_FAILS_WITH(sys_setpriority(0, (uint64_t)-1), EPERM));
    T_CHECK(P, "setpriority-unknown-tid-esrch",
            T_FAILS_WITH(sys_setpriority(999999, 0), ESRCH));
}

int main(void)
{
    check_preemption();
    check_fairness();
    check_sleep();
    check_setpriority();
    return t_failures ? 1 : 0;
}
