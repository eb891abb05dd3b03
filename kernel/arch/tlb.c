/*
 * tlb.c - TLB shootdown by IPI and the reschedule IPI (protocol in tlb.h).
 *
 * Invariants: tlb_request is written only by the holder of tlb_lock and read by targets
 * only while their pending flag is set (the flag is set after the request is complete,
 * with release order, and cleared after the flush). A CPU is never its own target.
 */
#include "kernel/arch/tlb.h"
#include "kernel/arch/apic.h"
#include "kernel/arch/arch.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/smp.h"
#include "kernel/arch/spinlock.h"
#include "kernel/panic.h"
#include "kernel/time/clock.h"
#include "mm/hhdm.h"
#include "mm/pte.h"

#define TLB_ANSWER_TIMEOUT_NS 2000000000ULL /* a CPU silent this long is a kernel bug */
#define CR4_PGE (1ULL << 7)

typedef struct {
    uint64_t pml4_phys;
    uint64_t start, end;
} tlb_request_t;

static spinlock_t tlb_lock = SPINLOCK_INIT(LOCK_RANK_TLB);
static tlb_request_t tlb_request;
static volatile uint32_t tlb_pending[SMP_MAX_CPUS];
static uint64_t tlb_served[SMP_MAX_CPUS];
static uint64_t tlb_ready;

/* Global entries survive a CR3 load; toggling PGE drops them too. */
void tlb_flush_all_local(void)
{
    uint64_t cr4 = read_cr4();
    if (cr4 & CR4_PGE) {
        write_cr4(cr4 & ~CR4_PGE);
        write_cr4(cr4);
    } else {
        write_cr3(read_cr3());
    }
}

static void tlb_flush_local(const tlb_request_t *r)
{
    bool kernel = r->pml4_phys == TLB_KERNEL;
    if (!kernel && (read_cr3() & PTE_ADDR) != r->pml4_phys)
        return; /* switched away since: the CR3 load flushed it */
    if ((r->end - r->start) / PAGE_SIZE > TLB_FLUSH_ALL_ABOVE) {
        if (kernel)
            tlb_flush_all_local();
        else
            write_cr3(read_cr3());
        return;
    }
    for (uint64_t va = r->start; va < r->end; va += PAGE_SIZE)
        cpu_invlpg(va);
}

void tlb_service_pending(void)
{
    if (smp_cpu_count() <= 1)
        return;
    unsigned cpu = smp_cpu_index();
    if (!__atomic_load_n(&tlb_pending[cpu], __ATOMIC_ACQUIRE))
        return;
    tlb_flush_local(&tlb_request);
    tlb_served[cpu]++;
    __atomic_store_n(&tlb_pending[cpu], 0, __ATOMIC_RELEASE);
}

static void tlb_wait_answers(uint64_t targets)
{
    uint64_t deadline = clock_now_ns() + TLB_ANSWER_TIMEOUT_NS;
    for (unsigned cpu = 0; targets; cpu++) {
        if (!(targets & (1ULL << cpu)))
            continue;
        while (__atomic_load_n(&tlb_pending[cpu], __ATOMIC_ACQUIRE)) {
            cpu_pause();
            if (clock_now_ns() > deadline)
                panic("tlb: CPU %u did not answer a shootdown", cpu);
        }
        targets &= ~(1ULL << cpu);
    }
}

void tlb_shootdown(uint64_t pml4_phys, uint64_t start, uint64_t end, uint64_t cpus)
{
    if (start >= end)
        return;
    uint64_t targets = cpus & __atomic_load_n(&tlb_ready, __ATOMIC_ACQUIRE);
    targets &= ~(1ULL << smp_cpu_index());
    if (!targets)
        return;
    uint64_t f = spin_lock_irqsave(&tlb_lock);
    tlb_request = (tlb_request_t){ .pml4_phys = pml4_phys, .start = start, .end = end };
    for (unsigned cpu = 0; cpu < SMP_MAX_CPUS; cpu++)
        if (targets & (1ULL << cpu))
            __atomic_store_n(&tlb_pending[cpu], 1, __ATOMIC_RELEASE);
    for (unsigned cpu = 0; cpu < SMP_MAX_CPUS; cpu++)
        if (targets & (1ULL << cpu))
            apic_send_ipi(percpu_get(cpu)->apic_id, APIC_IPI_FIXED | IPI_TLB_VECTOR);
    tlb_wait_answers(targets);
    spin_unlock_irqrestore(&tlb_lock, f);
}

void tlb_cpu_ready(unsigned cpu)
{
    __atomic_or_fetch(&tlb_ready, 1ULL << cpu, __ATOMIC_SEQ_CST);
}

uint64_t tlb_ready_mask(void)
{
    return __atomic_load_n(&tlb_ready, __ATOMIC_ACQUIRE);
}

uint64_t tlb_flushes_served(unsigned cpu)
{
    return cpu < SMP_MAX_CPUS ? tlb_served[cpu] : 0;
}

static void tlb_ipi_handler(interrupt_frame_t *frame)
{
    (void)frame;
    tlb_service_pending();
    apic_eoi();
}

/* The waker already set need_resched under the scheduler lock: the interrupt exit path
 * (sched_interrupt_exit) does the rest. */
static void resched_ipi_handler(interrupt_frame_t *frame)
{
    (void)frame;
    apic_eoi();
}

void ipi_send_resched(unsigned cpu)
{
    percpu_t *p = percpu_get(cpu);
    if (p && cpu != smp_cpu_index())
        apic_send_ipi(p->apic_id, APIC_IPI_FIXED | IPI_RESCHED_VECTOR);
}

void ipi_init(void)
{
    idt_set_handler(IPI_TLB_VECTOR, tlb_ipi_handler);
    idt_set_handler(IPI_RESCHED_VECTOR, resched_ipi_handler);
    tlb_cpu_ready(0);
}
