/*
 * arch.h - bring-up of the boot CPU: GDT (kernel and user segments), TSS with IST stacks for
 * #DF, NMI and #MC, an IDT for all 256 vectors, and the protection bits the CPU offers
 * (NX, WP, SMEP, SMAP, UMIP).
 */
#ifndef KERNEL_ARCH_ARCH_H
#define KERNEL_ARCH_ARCH_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

/* CPUs the kernel brings up and schedules, at most (the one definition: SMP_MAX_CPUS and
 * SCHED_MAX_CPUS are this). */
#define ARCH_MAX_CPUS 16

#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_USER_DATA   0x1B  /* 0x18 | RPL 3; SYSRET wants user data just below user code */
#define GDT_USER_CODE   0x23  /* 0x20 | RPL 3 */
#define GDT_TSS         0x28

/* Register state pushed by the interrupt stubs (isr.S), lowest address first. */
typedef struct {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
} interrupt_frame_t;

typedef void (*interrupt_handler_t)(interrupt_frame_t *frame);

#define VECTOR_NMI                2
#define VECTOR_DOUBLE_FAULT       8
#define VECTOR_GENERAL_PROTECTION 13
#define VECTOR_PAGE_FAULT         14
#define VECTOR_MACHINE_CHECK      18

/* Page-fault error code bits. */
#define PF_PRESENT (1u << 0)
#define PF_WRITE   (1u << 1)
#define PF_USER    (1u << 2)
#define PF_RSVD    (1u << 3)
#define PF_FETCH   (1u << 4)
#define PF_PK      (1u << 5)

typedef struct {
    bool nx, smep, smap, umip, pge, pcid, x2apic, xsave, fsgsbase, rdrand, rdseed, invariant_tsc,
         gbpages, tsc_deadline;
} cpu_features_t;

extern cpu_features_t cpu_features;

/* Before vmm_init: detects CPU features and enables EFER.NXE (the kernel's tables use NX). */
void arch_init_early(void);
/* GDT, TSS, IDT on the boot CPU; logs the features it enabled. */
void arch_init_cpu(void);
/* The same for an application processor (kernel/arch/smp.c), all in one step and silent: NX,
 * SSE, its own GDT/TSS (ist_tops: IST_STACK_COUNT stack tops), the shared IDT, WP/SMEP/SMAP/
 * UMIP/PGE as on the boot CPU. */
void arch_init_cpu_ap(unsigned cpu, const uint64_t *ist_tops, uint64_t rsp0);
/* Enables SMEP/SMAP/UMIP/WP once the kernel no longer touches user pages by accident, and
 * moves the IST stacks to ones from alloc_kstack (guard-paged: vmm_alloc_kstack; returns the
 * stack top, 0 when it has none). */
void arch_enable_protection(uint64_t (*alloc_kstack)(size_t size));

/* Route a vector (32..255) to a handler; the stub sends EOI only if the handler asks (APIC code). */
void idt_set_handler(uint8_t vector, interrupt_handler_t handler);

/* Prints every register of the frame and CR2/CR3 (used by exception and panic paths). */
void arch_dump_frame(const interrupt_frame_t *f);

/* ---- added by the arch bring-up (arch internals others may call) ---- */

/* The currently registered handler of vector (NULL when none). Handlers may also be set for
 * exception vectors 0..31: they then replace the default fatal report (e.g. #PF from mm). */
interrupt_handler_t idt_get_handler(uint8_t vector);
/* Unregistered vectors >= 32 seen so far (each vector is logged only the first time). */
uint64_t idt_spurious_count(void);

/* The running thread's user FS base (kernel/arch/segbase.c); base must be a canonical user
 * address. */
uint64_t arch_user_fs_base(void);
void arch_set_user_fs_base(uint64_t base);
/* True when user code may use RD/WRFSBASE itself (CR4.FSGSBASE is set on every CPU). */
bool arch_user_fsgsbase(void);

/* RSP0 of cpu's TSS: the stack the CPU switches to on an interrupt from ring 3. */
void arch_set_kernel_stack(unsigned cpu, uint64_t rsp0);

/* Default treatment of exceptions 0..31: .extable fixup for kernel #PF/#GP, the ring-3 hook
 * (user_fault, kernel/arch/hooks.h), or the fatal report. A handler registered for an
 * exception vector (e.g. a #PF handler in mm) replaces this, so it must call
 * exception_handle() for faults it does not resolve. */
void exception_handle(interrupt_frame_t *frame);
/* Kernel-mode death report for an exception frame: name, registers, backtrace, panic. */
__attribute__((noreturn)) void exception_fatal(interrupt_frame_t *frame);
const char *exception_name(uint64_t vector);

/* True when va is a kernel-half address mapped in the current page tables (lock-free walk;
 * safe on the panic path before reading memory through an untrusted pointer). */
bool arch_kernel_addr_mapped(uint64_t va);

#endif
