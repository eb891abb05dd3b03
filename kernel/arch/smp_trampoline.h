/*
 * smp_trampoline.h - layout of the application-processor trampoline page (arch internal),
 * shared by smp_trampoline.S and smp.c. The blob is copied to a page below 1 MiB; the SIPI
 * vector is that page's number, so an AP starts in real mode at CS = page << 8, IP = 0.
 * Its parameter block sits at a fixed offset and is filled by the boot CPU before each SIPI;
 * the trampoline only reads it (after paging is on, the page is mapped read-only).
 */
#ifndef KERNEL_ARCH_SMP_TRAMPOLINE_H
#define KERNEL_ARCH_SMP_TRAMPOLINE_H

#define TRAMP_PARAMS        0x0F00  /* parameter block offset inside the page */
#define TRAMP_GDTR          0x00    /* u16 limit, u32 linear base of the trampoline GDT */
#define TRAMP_FAR32         0x08    /* u32 offset, u16 selector: protected-mode entry */
#define TRAMP_FAR64         0x10    /* u32 offset, u16 selector: long-mode entry */
#define TRAMP_TEMP_CR3      0x18    /* u32: temporary PML4 (below 1 MiB) */
#define TRAMP_EFER          0x1C    /* u32: EFER bits to set (LME, and NXE when the kernel uses NX) */
#define TRAMP_STACK         0x20    /* u64: this AP's initial RSP (kernel stack) */
#define TRAMP_ENTRY         0x28    /* u64: kernel-half address of smp_ap_long_entry */
#define TRAMP_ARG           0x30    /* u64: argument for the C entry (the AP's percpu_t) */
#define TRAMP_PARAMS_SIZE   0x38

/* Selectors of the trampoline's own GDT (replaced by the CPU's real GDT in C). */
#define TRAMP_SEL_CODE32    0x08
#define TRAMP_SEL_DATA32    0x10
#define TRAMP_SEL_CODE64    0x18

#ifndef __ASSEMBLY__
#include <stdint.h>

typedef struct __attribute__((packed)) {
    uint16_t gdt_limit;
    uint32_t gdt_base;
    uint16_t pad0;
    uint32_t far32_offset;
    uint16_t far32_sel;
    uint16_t pad1;
    uint32_t far64_offset;
    uint16_t far64_sel;
    uint16_t pad2;
    uint32_t temp_cr3;
    uint32_t efer_bits;
    uint64_t stack;
    uint64_t entry;
    uint64_t arg;
} smp_tramp_params_t;

_Static_assert(sizeof(smp_tramp_params_t) == TRAMP_PARAMS_SIZE, "trampoline parameter layout");

/* The blob (in .rodata): code, GDT, labels' offsets; smp.c copies it and fills the params. */
extern const uint8_t smp_trampoline_start[], smp_trampoline_end[];
extern const uint8_t smp_trampoline_pm32[], smp_trampoline_lm64[], smp_trampoline_gdt[],
    smp_trampoline_gdt_end[];
/* Kernel-text entry the trampoline jumps to (rdi = arg, rsp = stack). */
void smp_ap_long_entry(void);
#endif

#endif
