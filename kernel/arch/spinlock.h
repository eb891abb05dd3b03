/*
 * spinlock.h - the kernel's one spinlock: interrupts off on this CPU while held (an
 * interrupt handler may take the same lock), a busy wait otherwise.
 *
 * While a CPU spins it keeps answering TLB shootdown requests (kernel/arch/tlb.c): the CPU
 * that holds the lock may itself be waiting for this CPU to flush, with its interrupts off.
 *
 * Lock order: a CPU takes locks in increasing rank (spinlock_rank_t; docs/design.md,
 * "Locking rules"). With lock debugging on (command-line `lockdebug`, and under `ktest` or
 * `sched_verify`) every acquire checks the locks this CPU already holds and panics on a
 * lock taken twice or taken out of order; a context switch with a spinlock other than the
 * scheduler lock held panics too. Rank 0 means unranked: only the "taken twice" check.
 */
#ifndef KERNEL_ARCH_SPINLOCK_H
#define KERNEL_ARCH_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    LOCK_RANK_NONE = 0,
    LOCK_RANK_SCHED = 10,   /* the scheduler lock (sched.c): outermost */
    LOCK_RANK_ASPACE = 30,  /* one address space's regions and tables */
    LOCK_RANK_HEAP = 50,
    LOCK_RANK_KSTACK = 55,
    LOCK_RANK_TLB = 58,     /* one shootdown at a time (the heap and aspace locks free pages) */
    LOCK_RANK_VMM = 60,     /* kernel page tables */
    LOCK_RANK_PMM = 70,
    LOCK_RANK_IOAPIC = 80,
    LOCK_RANK_PCI = 85,     /* the 0xCF8/0xCFC address-data pair (kernel/pci/pci_cfg.c) */
} spinlock_rank_t;

typedef struct {
    volatile uint32_t locked;
    uint32_t rank;           /* spinlock_rank_t */
} spinlock_t;

#define SPINLOCK_INIT(r) { .locked = 0, .rank = (r) }

/* Interrupts off, then the lock; returns the RFLAGS to hand to spin_unlock_irqrestore. */
uint64_t spin_lock_irqsave(spinlock_t *l);
void spin_unlock_irqrestore(spinlock_t *l, uint64_t flags);

/* Lock debugging (spinlock.c). */
extern bool lock_debug_enabled;
void lock_debug_init(void);
/* Bookkeeping for locks that are not spinlock_t (the recursive scheduler lock). */
void lock_debug_acquire(const void *lock, unsigned rank, const char *name);
void lock_debug_release(const void *lock);
/* The rule itself: NULL when taking lock (of rank) is fine while the n locks held[] (with
 * ranks[]) are held; else what is wrong ("taken twice", "order inversion"). */
const char *lock_order_check(const void *const *held, const unsigned *ranks, unsigned n,
                             const void *lock, unsigned rank);
/* Panics when this CPU holds any lock but `allowed` (a context switch is about to happen). */
void lock_debug_check_switch(const void *allowed);

/* The busy-wait step of every spin loop: pause, and serve a pending TLB shootdown. */
void spin_wait_step(void);

#endif
