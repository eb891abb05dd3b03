/*
 * vmm.h - kernel virtual memory: the kernel's own page tables (W^X by section, NX direct
 * map, no identity map), page mapping primitives and guard-paged kernel stacks.
 */
#ifndef MM_VMM_H
#define MM_VMM_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <spindle/boot.h>

#define VMM_WRITE   (1u << 0)
#define VMM_EXEC    (1u << 1)
#define VMM_USER    (1u << 2)
#define VMM_NOCACHE (1u << 3)

/* Region for guard-paged kernel stacks and other kernel virtual allocations. */
#define VMM_KSTACK_BASE 0xFFFFC00000000000ULL
/* Each stack owns one fixed slot; the stack sits at the slot's top, the rest is the guard. */
#define VMM_KSTACK_SLOT   (256ULL * 1024)
#define VMM_KSTACK_SLOTS  16384
#define VMM_KSTACK_MAX    (VMM_KSTACK_SLOT - 4096)

/* Builds and loads the kernel's page tables. After this the loader's identity map is gone. */
void vmm_init(const boot_info_t *bi);
/* Registers the memory calls arch bring-up makes (kernel/arch/arch_mem.h; mm/arch_mem.c):
 * once, right after vmm_init. */
void mm_arch_mem_register(void);

/* Maps one 4 KiB page in the kernel's tables (replacing any 4 KiB mapping there); returns false
 * when a table page can't be had or a large page (the direct map) already covers virt. */
bool vmm_map_page(uint64_t virt, uint64_t phys, unsigned flags);
void vmm_unmap_page(uint64_t virt);
/* Unmaps and frees every mapped page of [start, start + pages * PAGE_SIZE), after a TLB
 * shootdown of the range on every CPU. */
void vmm_unmap_free(uint64_t start, size_t pages);
/* Physical address behind virt, or 0 when unmapped. */
uint64_t vmm_translate(uint64_t virt);

/* A kernel stack of `size` bytes (page multiple) with an unmapped guard page below it.
 * Returns the top (initial RSP) or 0 on failure. */
uint64_t vmm_alloc_kstack(size_t size);
void vmm_free_kstack(uint64_t top, size_t size);

/* Physical address of the kernel PML4 (upper half shared by every address space). */
uint64_t vmm_kernel_pml4(void);
/* True when page tables may set the NX bit (CPU has it and EFER.NXE is on); without it, bit 63
 * in any entry is a reserved-bit fault. */
bool vmm_nx_enabled(void);

/* Free for ad-hoc kernel mappings (self-tests use it). */
#define VMM_SCRATCH_BASE 0xFFFFE00000000000ULL

/* W^X audit of a page-table tree (mm/wx_check.c): true when some page is writable and
 * executable at once; *va_out gets the first such address. */
bool vmm_find_wx(uint64_t pml4_phys, uint64_t *va_out);

#endif
