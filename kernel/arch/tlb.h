/*
 * tlb.h - TLB shootdown and the other inter-processor interrupts the scheduler uses.
 *
 * Protocol (docs/design.md, "TLB shootdown"): the CPU that changed page-table entries has
 * already flushed its own TLB. It takes tlb_lock (one shootdown in flight), writes the
 * request (address space, range), marks each target CPU pending, sends IPI_TLB_VECTOR to
 * them and waits until every target cleared its mark. A target flushes in the IPI handler,
 * or earlier: every spin loop calls tlb_service_pending(), so a CPU that spins with
 * interrupts off on a lock the initiator holds still answers. Pages are freed only after
 * tlb_shootdown returns. Targets: for a user space, the CPUs that have it loaded
 * (aspace_t.cpus_active); for kernel mappings, every CPU that is scheduling.
 */
#ifndef KERNEL_ARCH_TLB_H
#define KERNEL_ARCH_TLB_H

#include <stdint.h>

#define IPI_RESCHED_VECTOR 0xF0
#define IPI_TLB_VECTOR     0xF1
#define TLB_KERNEL         0   /* pml4_phys for kernel (global) mappings */
/* Past this many pages a target flushes everything instead of page by page. */
#define TLB_FLUSH_ALL_ABOVE 32

/* Installs the IPI handlers (boot CPU, once). */
void ipi_init(void);
/* This CPU takes part in shootdowns from now on (it schedules, interrupts can reach it). */
void tlb_cpu_ready(unsigned cpu);
/* Mask of the CPUs that take part. */
uint64_t tlb_ready_mask(void);

/* Flushes [start, end) of space pml4_phys (TLB_KERNEL: kernel mappings) on every CPU in
 * cpus except the caller, and waits for them. Any context but NMI; interrupts may be off. */
void tlb_shootdown(uint64_t pml4_phys, uint64_t start, uint64_t end, uint64_t cpus);
/* Flushes this CPU's whole TLB, global (kernel) entries included. */
void tlb_flush_all_local(void);
/* Serves this CPU's pending shootdown, if any (spin loops, the IPI handler). */
void tlb_service_pending(void);

/* Makes cpu run the scheduler soon (it may be halted in idle). */
void ipi_send_resched(unsigned cpu);

/* Shootdowns answered by this CPU (tests). */
uint64_t tlb_flushes_served(unsigned cpu);

#endif
