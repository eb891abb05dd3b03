/*
 * arch_mem.h - the memory calls arch bring-up makes (the xAPIC's uncached MMIO page, the AP
 * trampoline's pages below 1 MiB, the kernel's PML4 for the APs, AP stacks), as one table
 * the memory layer registers (mm/arch_mem.c), so kernel/arch never includes mm/.
 *
 * Invariants: registered exactly once, right after vmm_init and before apic_init and
 * smp_init, with every member set (arch_mem_register ASSERTs both); arch_mem() ASSERTs
 * that it was. Read-only afterwards: readers take no lock.
 */
#ifndef KERNEL_ARCH_ARCH_MEM_H
#define KERNEL_ARCH_ARCH_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    /* One 4 KiB kernel page at virt -> phys, writable, uncached; false when it can't be. */
    bool (*map_uncached)(uint64_t virt, uint64_t phys);
    /* A physical page below limit (0: none left there) / gives one back. */
    uint64_t (*page_alloc_below)(uint64_t limit);
    void (*page_free)(uint64_t phys);
    /* The top of a guard-paged kernel stack of size bytes, 0 on failure. */
    uint64_t (*kstack_alloc)(size_t size);
    /* Physical address of the kernel's PML4 (the upper half every space shares). */
    uint64_t (*kernel_pml4)(void);
    /* Page tables may set NX (the APs must turn EFER.NXE on before they use them). */
    bool (*nx_enabled)(void);
} arch_mem_t;

void arch_mem_register(const arch_mem_t *mem);
const arch_mem_t *arch_mem(void);

#endif
