/*
 * sched_ktest.c - the scheduler core with kernel threads: a thread runs when the boot thread
 * yields, its stack and struct are freed after it exits, and a blocked thread sleeps until
 * it is woken.
 */
#include "kernel/arch/cpu.h"
#include "kernel/ktest.h"
#include "mm/heap.h"
#include "mm/pmm.h"
#include "sched/process.h"
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
    sched_start(t);
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
    cpu_cli();
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
    sched_start(t);
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
