/*
 * sched_lock.c - the scheduler lock: one recursive spinlock (owner CPU + depth) over the
 * run queues, timer lists, thread states, wait queues and every short section built on
 * them (process table, descriptor tables, pipes, futex waiters, fs_mutex internals, trace
 * sessions). Interrupts are off while it is held.
 *
 * It is held across a context switch: the thread that switches away saves its depth
 * (sched_lock_depth), the thread that resumes restores its own (sched_lock_set_depth), and
 * the lock stays with the CPU. So no other CPU can pick up a thread before its registers
 * are saved, nor wake it before it is fully off its stack. Waiting for it serves TLB
 * shootdowns (spin_wait_step), since the holder may be waiting for one.
 */
#include "sched/sched.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/smp.h"
#include "kernel/arch/spinlock.h"
#include "kernel/panic.h"

static struct {
    volatile uint32_t owner;  /* CPU index + 1; 0 when free */
    uint32_t depth;           /* only the owner touches it */
} sched_big;                  /* the scheduler lock */

static uint32_t sched_lock_me(void)
{
    return smp_cpu_index() + 1;
}

uint64_t sched_lock(void)
{
    uint64_t f;
    __asm__ volatile("pushfq; pop %0; cli" : "=r"(f) : : "memory");
    uint32_t me = sched_lock_me();
    if (__atomic_load_n(&sched_big.owner, __ATOMIC_RELAXED) == me) {
        sched_big.depth++;
        return f;
    }
    if (lock_debug_enabled)
        lock_debug_acquire(&sched_big, LOCK_RANK_SCHED, "sched");
    uint32_t free_word = 0;
    while (!__atomic_compare_exchange_n(&sched_big.owner, &free_word, me, false,
                                        __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
        free_word = 0;
        while (__atomic_load_n(&sched_big.owner, __ATOMIC_RELAXED))
            spin_wait_step();
    }
    sched_big.depth = 1;
    return f;
}

void sched_unlock(uint64_t flags)
{
    ASSERT(sched_big.owner == sched_lock_me() && sched_big.depth > 0);
    if (--sched_big.depth == 0) {
        if (lock_debug_enabled)
            lock_debug_release(&sched_big);
        __atomic_store_n(&sched_big.owner, 0, __ATOMIC_RELEASE);
    }
    if (flags & RFLAGS_IF)
        cpu_sti();
}

bool sched_lock_held(void)
{
    return !cpu_irqs_enabled() &&
           __atomic_load_n(&sched_big.owner, __ATOMIC_RELAXED) == sched_lock_me();
}

uint32_t sched_lock_depth(void)
{
    return sched_big.depth;
}

void sched_lock_set_depth(uint32_t depth)
{
    sched_big.depth = depth;
}

const void *sched_lock_id(void)
{
    return &sched_big;
}
