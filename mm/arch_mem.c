/*
 * arch_mem.c - the memory layer's answers to arch bring-up (kernel/arch/arch_mem.h):
 * registered by kernel_main right after vmm_init, before the APIC and the APs need them.
 */
#include "kernel/arch/arch_mem.h"
#include "mm/pmm.h"
#include "mm/vmm.h"

static bool arch_mem_map_uncached(uint64_t virt, uint64_t phys)
{
    return vmm_map_page(virt, phys, VMM_WRITE | VMM_NOCACHE);
}

static const arch_mem_t mm_arch_mem = {
    .map_uncached = arch_mem_map_uncached,
    .page_alloc_below = pmm_alloc_below,
    .page_free = pmm_free,
    .kstack_alloc = vmm_alloc_kstack,
    .kernel_pml4 = vmm_kernel_pml4,
    .nx_enabled = vmm_nx_enabled,
};

void mm_arch_mem_register(void)
{
    arch_mem_register(&mm_arch_mem);
}
