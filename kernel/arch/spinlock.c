/*
 * spinlock.c - spinlocks and the lock debugger (see spinlock.h).
 *
 * The debugger keeps, per CPU, the locks that CPU holds in the order it took them. Only
 * the CPU itself touches its list, with interrupts off (every lock here is taken with
 * interrupts off), so the list needs no lock of its own.
 */
#include "kernel/arch/spinlock.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/smp.h"
#include "kernel/arch/tlb.h"
#include "kernel/cmdline.h"
#include "kernel/panic.h"

#define LOCK_DEBUG_DEPTH 8

typedef struct {
    const void *lock[LOCK_DEBUG_DEPTH];
    unsigned rank[LOCK_DEBUG_DEPTH];
    const char *name[LOCK_DEBUG_DEPTH];
    unsigned count;
} lock_held_t;

static lock_held_t lock_held[SMP_MAX_CPUS];
bool lock_debug_enabled;

void lock_debug_init(void)
{
    lock_debug_enabled = cmdline_has(&kernel_cmdline, "lockdebug") ||
                         cmdline_has(&kernel_cmdline, "ktest") ||
                         cmdline_has(&kernel_cmdline, "sched_verify");
}

void spin_wait_step(void)
{
    cpu_pause();
    tlb_service_pending();
}

const char *lock_order_check(const void *const *held, const unsigned *ranks, unsigned n,
                             const void *lock, unsigned rank)
{
    for (unsigned i = 0; i < n; i++) {
        if (held[i] == lock)
            return "taken twice";
        if (rank && ranks[i] && ranks[i] >= rank)
            return "order inversion";
    }
    return NULL;
}

void lock_debug_acquire(const void *lock, unsigned rank, const char *name)
{
    unsigned cpu = smp_cpu_index();
    lock_held_t *h = &lock_held[cpu];
    const char *why = lock_order_check(h->lock, h->rank, h->count, lock, rank);
    if (why)
        panic("lock: %s on CPU %u: %s (%p, rank %u); held: %s%s%s", why, cpu, name, lock, rank,
              h->count > 0 ? h->name[0] : "-", h->count > 1 ? ", " : "",
              h->count > 1 ? h->name[h->count - 1] : "");
    if (h->count == LOCK_DEBUG_DEPTH)
        panic("lock: CPU %u holds more than %u locks", cpu, LOCK_DEBUG_DEPTH);
    h->lock[h->count] = lock;
    h->rank[h->count] = rank;
    h->name[h->count] = name;
    h->count++;
}

void lock_debug_release(const void *lock)
{
    unsigned cpu = smp_cpu_index();
    lock_held_t *h = &lock_held[cpu];
    for (unsigned i = h->count; i-- > 0;) {
        if (h->lock[i] != lock)
            continue;
        for (unsigned j = i; j + 1 < h->count; j++) {
            h->lock[j] = h->lock[j + 1];
            h->rank[j] = h->rank[j + 1];
            h->name[j] = h->name[j + 1];
        }
        h->count--;
        return;
    }
    panic("lock: %p released on CPU %u, which does not hold it", lock, cpu);
}

void lock_debug_check_switch(const void *allowed)
{
    unsigned cpu = smp_cpu_index();
    const lock_held_t *h = &lock_held[cpu];
    for (unsigned i = 0; i < h->count; i++)
        if (h->lock[i] != allowed)
            panic("lock: context switch on CPU %u with %s (%p) held", cpu, h->name[i],
                  h->lock[i]);
}

static const char *spin_name(const spinlock_t *l)
{
    switch (l->rank) {
    case LOCK_RANK_ASPACE: return "aspace";
    case LOCK_RANK_TLB: return "tlb";
    case LOCK_RANK_HEAP: return "heap";
    case LOCK_RANK_KSTACK: return "kstack";
    case LOCK_RANK_VMM: return "vmm";
    case LOCK_RANK_PMM: return "pmm";
    case LOCK_RANK_IOAPIC: return "ioapic";
    case LOCK_RANK_PCI: return "pci";
    default: return "spinlock";
    }
}

uint64_t spin_lock_irqsave(spinlock_t *l)
{
    uint64_t flags;
    __asm__ volatile("pushfq; pop %0; cli" : "=r"(flags) : : "memory");
    if (lock_debug_enabled)
        lock_debug_acquire(l, l->rank, spin_name(l));
    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
            spin_wait_step();
    return flags;
}

void spin_unlock_irqrestore(spinlock_t *l, uint64_t flags)
{
    ASSERT(l->locked);
    if (lock_debug_enabled)
        lock_debug_release(l);
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
    if (flags & RFLAGS_IF)
        cpu_sti();
}
