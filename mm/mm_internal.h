/*
 * mm_internal.h - helpers shared by pmm, vmm and heap only: an IRQ-safe spinlock and a page
 * zeroing loop that does not depend on kernel/lib.
 *
 * The lock disables interrupts while held so that an interrupt handler allocating memory on
 * the same CPU cannot deadlock against the code it interrupted. Host unit tests are single
 * threaded and longjmp out of panics, so there the lock is a no-op.
 */
#ifndef MM_MM_INTERNAL_H
#define MM_MM_INTERNAL_H

#include <stdint.h>
#include <stddef.h>

typedef struct {
    volatile uint32_t locked;
} mm_lock_t;

#ifdef SPINDLE_HOST_TEST
static inline uint64_t mm_lock_acquire(mm_lock_t *l) { (void)l; return 0; }
static inline void mm_lock_release(mm_lock_t *l, uint64_t flags) { (void)l; (void)flags; }
#else
static inline uint64_t mm_lock_acquire(mm_lock_t *l)
{
    uint64_t flags;
    __asm__ volatile("pushfq; pop %0; cli" : "=r"(flags) : : "memory");
    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
        __asm__ volatile("pause" ::: "memory");
    return flags;
}

static inline void mm_lock_release(mm_lock_t *l, uint64_t flags)
{
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
    if (flags & (1u << 9))
        __asm__ volatile("sti" ::: "memory");
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
