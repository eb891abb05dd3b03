/*
 * futex.h - wait on / wake a 32-bit user word, keyed by (address space, address) for private
 * memory and by (shared object, offset) for shared memory, so that processes sharing an
 * object share the futex and a reused frame never does. See docs/design.md, "Futex".
 */
#ifndef SCHED_FUTEX_H
#define SCHED_FUTEX_H

#include <stdint.h>
#include "mm/aspace.h"

/* Sleeps while the word at uaddr (in the current process's space `as`) equals val, until a
 * wake, the relative timeout (CLOCK_NEVER: none) or the process ends. 0, EAGAIN (value
 * differs), ETIMEDOUT, EINTR, or EFAULT (unaligned, outside the user half, unmapped). */
int futex_wait(aspace_t *as, uint64_t uaddr, uint32_t val, uint64_t timeout_ns);
/* Wakes up to n waiters on the word; returns how many woke (>= 0) or -EFAULT. */
int64_t futex_wake(aspace_t *as, uint64_t uaddr, uint64_t n);
/* Threads waiting on any futex (tests). */
uint64_t futex_waiters(void);

#endif
