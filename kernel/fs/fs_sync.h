/*
 * fs_sync.h - the two synchronisation tools of the file code.
 *
 * fs_mutex_t: a sleeping lock (owner + wait queue) for state that is touched by long
 * operations (the namespace and tmpfs data). Its own fields change only under the scheduler
 * lock, so it is correct under preemption and across CPUs. Never held across a user copy or
 * a blocking wait.
 *
 * fs_wait(): an interruptible sleep on a wait queue. kill() takes the threads of its
 * target off any queue they sleep on (sched_interrupt through thread_interrupt_all), so
 * fs_wait returns EINTR and the caller unwinds; the kill takes effect at the syscall exit.
 */
#ifndef KERNEL_FS_FS_SYNC_H
#define KERNEL_FS_FS_SYNC_H

#include <stdbool.h>
#include "sched/sched.h"

typedef struct {
    thread_t *owner;
    thread_queue_t waiters;
} fs_mutex_t;

void fs_mutex_lock(fs_mutex_t *m);
void fs_mutex_unlock(fs_mutex_t *m);
bool fs_mutex_held(const fs_mutex_t *m); /* by the calling thread */

/* Interrupts must be disabled and the caller must have checked its condition. Sleeps until
 * q is woken; returns 0, or EINTR when the process has a kill pending (before or after). */
int fs_wait(thread_queue_t *q);
/* Wakes everyone sleeping in poll(): called whenever a pollable object changes state. */
void fs_poll_notify(void);
/* Sleeps until fs_poll_notify() or deadline_ns (clock_now_ns(); CLOCK_NEVER: no deadline).
 * Returns 0, or EINTR. */
int fs_poll_sleep(uint64_t deadline_ns);

#endif
