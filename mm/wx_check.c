/*
 * wx_check.c - walks a page-table tree and finds any page that is writable and executable at
 * once (W^X: no such mapping may exist anywhere, kernel or user). Permissions combine down the
 * levels: a page is writable only when every level allows writes, and executable only when no
 * level sets NX. Used by a self-test and available to the memory code for user spaces.
 */
#include <stdbool.h>
#include <stdint.h>
#include "kernel/ktest.h"
#include "kernel/arch/cpu.h"
#include "mm/hhdm.h"
#include "mm/pte.h"
#include "mm/vmm.h"

static uint64_t wx_canonical(uint64_t va)
{
    return (va & (1ULL << 47)) ? (va | 0xFFFF000000000000ULL) : va;
}

/* level 3 = PML4 ... 0 = PT. Returns true and stores the first W+X address found. */
static bool wx_walk(uint64_t table_phys, int level, uint64_t va_base, bool writable, bool exec,
                    uint64_t *found)
{
    const uint64_t *table = phys_to_virt(table_phys & PTE_ADDR);
    for (unsigned i = 0; i < 512; i++) {
        uint64_t e = table[i];
        if (!(e & PTE_P))
            continue;
        uint64_t va = wx_canonical(va_base | ((uint64_t)i << (12 + 9 * level)));
        bool w = writable && (e & PTE_W);
        bool x = exec && !(e & PTE_NX);
        bool leaf = level == 0 || (level < 3 && (e & PTE_PS));
        if (leaf) {
            if (w && x) {
                *found = va;
                return true;
            }
        } else if (wx_walk(e, level - 1, va, w, x, found)) {
            return true;
        }
    }
    return false;
}

bool vmm_find_wx(uint64_t pml4_phys, uint64_t *va_out)
{
    /* Without NX every readable page is executable: W^X cannot hold, so report nothing. */
    if (!vmm_nx_enabled())
        return false;
    return wx_walk(pml4_phys, 3, 0, true, true, va_out);
}

KTEST(wx_no_page_is_writable_and_executable_in_the_kernel_tables)
{
    uint64_t va = 0;
    KTEST_EXPECT(!vmm_find_wx(read_cr3() & PTE_ADDR, &va));
}

KTEST(wx_walker_finds_a_planted_writable_executable_page)
{
    if (!vmm_nx_enabled())
        return;
    uint64_t va = VMM_SCRATCH_BASE + 0x7000000;
    uint64_t phys = 0, found = 0;
    extern char __text_start[];
    phys = vmm_translate((uint64_t)__text_start);
    KTEST_EXPECT(phys != 0);
    KTEST_EXPECT(vmm_map_page(va, phys, VMM_WRITE | VMM_EXEC));
    bool hit = vmm_find_wx(read_cr3() & PTE_ADDR, &found);
    vmm_unmap_page(va);
    KTEST_EXPECT(hit && found == va);
}
