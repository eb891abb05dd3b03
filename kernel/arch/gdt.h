/*
 * gdt.h - per-CPU descriptor tables (arch internal). Each CPU owns one arch_cpu_tables_t:
 * its GDT (the selector layout in arch.h) and its TSS (RSP0 for ring 3 -> 0 entries, IST
 * stacks for #DF, NMI, #MC). Nothing here is reached through GS: the kernel never relies on
 * GS base because user GS stays live inside the kernel.
 */
#ifndef KERNEL_ARCH_GDT_H
#define KERNEL_ARCH_GDT_H

#include <stdint.h>
#include "kernel/arch/arch.h" /* ARCH_MAX_CPUS */

#define GDT_ENTRY_COUNT 7   /* null, kcode, kdata, udata, ucode, TSS (two slots) */

/* IST slots (1-based, as the IDT gate encodes them). */
#define IST_DOUBLE_FAULT 1
#define IST_NMI          2
#define IST_MACHINE_CHECK 3
#define IST_STACK_COUNT  3
#define IST_STACK_SIZE   (16 * 1024)

/* 64-bit TSS, laid out by the CPU (Intel SDM vol. 3, 8.7). */
typedef struct __attribute__((packed)) {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} tss_t;

_Static_assert(sizeof(tss_t) == 104, "TSS layout");

typedef struct {
    uint64_t gdt[GDT_ENTRY_COUNT] __attribute__((aligned(16)));
    tss_t tss __attribute__((aligned(16)));
} arch_cpu_tables_t;

/* Fills cpu's GDT and TSS (ist_tops[i] is the top of the stack for IST i+1), loads them on the
 * calling CPU, reloads every segment register and the task register. */
void gdt_init_cpu(unsigned cpu, const uint64_t ist_tops[IST_STACK_COUNT], uint64_t rsp0);

/* The TSS of cpu (for the scheduler's RSP0 updates and for tests). */
tss_t *gdt_cpu_tss(unsigned cpu);
/* Points IST slot ist (1-based) of cpu at a new stack top. Interrupts must be off: the field
 * is not written atomically (the TSS is packed). */
void gdt_set_ist(unsigned cpu, unsigned ist, uint64_t top);

#endif
