/*
 * fs_sync.c - sleeping mutex, interruptible waits and the poll wake-up (see fs_sync.h).
 * Every field here changes under the scheduler lock only.
 */
#include "kernel/fs/fs_sync.h"
#include <spindle/abi.h>
#include <spindle/errno.h>
#include "kernel/arch/cpu.h"
#include "kernel/panic.h"

static thread_queue_t poll_queue;

void fs_mutex_lock(fs_mutex_t *m)
{
    uint64_t f = sched_lock();
    thread_t *self = sched_current();
    ASSERT(m->owner != self);
    while (m->owner)
        sched_wait(&m->waiters); /* a kill may wake it early: it simply waits again */
    m->owner = self;
    sched_unlock(f);
}

void fs_mutex_unlock(fs_mutex_t *m)
{
    uint64_t f = sched_lock();
    ASSERT(m->owner == sched_current());
    m->owner = NULL;
    sched_wake_all(&m->waiters);
    sched_unlock(f);
}

bool fs_mutex_held(const fs_mutex_t *m)
{
    return m->owner == sched_current();
}

static bool fs_kill_pending(void)
{
    return sched_kill_pending(sched_current());
}

int fs_wait(thread_queue_t *q)
{
    ASSERT(sched_lock_held());
    if (fs_kill_pending())
        return EINTR;
    sched_wait(q);
    return fs_kill_pending() ? EINTR : 0;
}

void fs_poll_notify(void)
{
    uint64_t f = sched_lock();
    sched_wake_all(&poll_queue);
    sched_unlock(f);
}

/* The timer is armed before the thread queues itself; with the scheduler lock held in between it
 * cannot fire early, and any wake-up disarms it. */
int fs_poll_sleep(uint64_t deadline_ns)
{
    uint64_t f = sched_lock();
    int err = 0;
    if (fs_kill_pending()) {
        err = EINTR;
    } else {
        if (deadline_ns != CLOCK_NEVER)
            timer_arm_timeout(sched_current(), deadline_ns);
        sched_wait(&poll_queue);
        if (fs_kill_pending())
            err = EINTR;
    }
    sched_unlock(f);
    return err;
}
