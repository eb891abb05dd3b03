/*
 * mm_internal.h - helpers shared by pmm, vmm and heap only: an IRQ-safe spinlock and a page
 * zeroing loop that does not depend on kernel/lib.
 *
 * The lock is the kernel spinlock: it disables interrupts while held so that an interrupt
 * handler allocating memory on the same CPU cannot deadlock against the code it
 * interrupted. Host unit tests are single threaded and longjmp out of panics, so there the
 * lock is a no-op.
 */
#ifndef MM_MM_INTERNAL_H
#define MM_MM_INTERNAL_H

#include <stdint.h>
#include <stddef.h>
#include "kernel/arch/spinlock.h"

typedef spinlock_t mm_lock_t;

/* Sets the lock-order rank (kernel/arch/spinlock.h) of a lock that starts zeroed. */
static inline void mm_lock_init(mm_lock_t *l, spinlock_rank_t rank)
{
    *l = (mm_lock_t)SPINLOCK_INIT(rank);
}

#ifdef SPINDLE_HOST_TEST
static inline uint64_t mm_lock_acquire(mm_lock_t *l) { (void)l; return 0; }
static inline void mm_lock_release(mm_lock_t *l, uint64_t flags) { (void)l; (void)flags; }
#else
static inline uint64_t mm_lock_acquire(mm_lock_t *l)
{
    return spin_lock_irqsave(l);
}

static inline void mm_lock_release(mm_lock_t *l, uint64_t flags)
{
    spin_unlock_irqrestore(l, flags);
}
#endif

/* bytes must be a multiple of 8 and p 8-byte aligned (pages and heap blocks always are). */
static inline void mm_zero(void *p, size_t bytes)
{
    uint64_t *w = p;
    for (size_t i = 0; i < bytes / 8; i++)
        w[i] = 0;
}

#endif
