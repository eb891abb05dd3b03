/*
 * aspace_ktest.c - self-tests of user address spaces without running user code: regions
 * split by munmap and mprotect, faults served or refused by kind and rights, page tables
 * given back on unmap, shared objects surviving one of their mappings, and every page
 * returned when the space is destroyed.
 */
#include <spindle/errno.h>
#include "kernel/ktest.h"
#include "mm/aspace.h"
#include "mm/aspace_internal.h"
#include "mm/heap.h"
#include "mm/hhdm.h"
#include "mm/pmm.h"

#define KT_BASE 0x0000200000000000ULL

static size_t kt_free_pages(void)
{
    heap_trim();
    return pmm_free_pages();
}

static int kt_map(aspace_t *as, uint64_t addr, uint64_t pages, unsigned prot, vma_kind_t kind)
{
    aspace_map_req_t req = { .addr = addr, .length = pages * PAGE_SIZE, .prot = prot,
                             .kind = kind, .fixed = true };
    uint64_t at = 0;
    int err = aspace_mmap(as, &req, &at);
    return err ? err : (at == addr ? 0 : -1);
}

KTEST(aspace_munmap_middle_splits_region_and_frees_its_pages)
{
    size_t before = kt_free_pages();
    aspace_t *as = aspace_create();
    KTEST_EXPECT(as);
    KTEST_EXPECT(kt_map(as, KT_BASE, 16, VMA_READ | VMA_WRITE, VMA_ANON) == 0);
    for (uint64_t i = 0; i < 16; i++)
        KTEST_EXPECT(aspace_fault(as, KT_BASE + i * PAGE_SIZE, ASPACE_ACCESS_WRITE) == ASPACE_FAULT_OK);
    KTEST_EXPECT(as->user_pages == 16 && as->vmas.count == 1 && as->mapped_pages == 16);
    KTEST_EXPECT(aspace_munmap(as, KT_BASE + 4 * PAGE_SIZE, 8 * PAGE_SIZE) == 0);
    KTEST_EXPECT(as->user_pages == 8 && as->vmas.count == 2 && as->mapped_pages == 8);
    KTEST_EXPECT(vma_tree_check(&as->vmas));
    KTEST_EXPECT(aspace_fault(as, KT_BASE + 5 * PAGE_SIZE, ASPACE_ACCESS_READ) == ASPACE_FAULT_UNMAPPED);
    KTEST_EXPECT(aspace_translate(as, KT_BASE + 12 * PAGE_SIZE) != 0);
    aspace_destroy(as);
    KTEST_EXPECT(kt_free_pages() == before);
}

KTEST(aspace_mprotect_sub_range_refuses_writes_there_only)
{
    size_t before = kt_free_pages();
    aspace_t *as = aspace_create();
    KTEST_EXPECT(as);
    KTEST_EXPECT(kt_map(as, KT_BASE, 4, VMA_READ | VMA_WRITE, VMA_ANON) == 0);
    KTEST_EXPECT(aspace_fault(as, KT_BASE + PAGE_SIZE, ASPACE_ACCESS_WRITE) == ASPACE_FAULT_OK);
    KTEST_EXPECT(aspace_mprotect(as, KT_BASE + PAGE_SIZE, PAGE_SIZE, VMA_READ) == 0);
    KTEST_EXPECT(as->vmas.count == 3);
    uint64_t *pte = aspace_pte(as, KT_BASE + PAGE_SIZE, false);
    KTEST_EXPECT(pte && (*pte & PTE_P) && !(*pte & PTE_W));
    KTEST_EXPECT(aspace_fault(as, KT_BASE + PAGE_SIZE, ASPACE_ACCESS_WRITE) == ASPACE_FAULT_PROTECTION);
    KTEST_EXPECT(aspace_fault(as, KT_BASE + 2 * PAGE_SIZE, ASPACE_ACCESS_WRITE) == ASPACE_FAULT_OK);
    KTEST_EXPECT(aspace_fault(as, KT_BASE, ASPACE_ACCESS_EXEC) == ASPACE_FAULT_PROTECTION);
    KTEST_EXPECT(aspace_mprotect(as, KT_BASE, 4 * PAGE_SIZE, VMA_READ | VMA_WRITE | VMA_EXEC) == EACCES);
    KTEST_EXPECT(aspace_mprotect(as, KT_BASE, 8 * PAGE_SIZE, VMA_READ) == ENOMEM);
    KTEST_EXPECT(aspace_mprotect(as, KT_BASE + 2 * PAGE_SIZE, PAGE_SIZE, 0) == 0);
    pte = aspace_pte(as, KT_BASE + 2 * PAGE_SIZE, false);
    KTEST_EXPECT(pte && !(*pte & PTE_P) && pte_holds_page(*pte)); /* PROT_NONE keeps the page */
    aspace_destroy(as);
    KTEST_EXPECT(kt_free_pages() == before);
}

KTEST(aspace_unmap_gives_page_tables_back)
{
    aspace_t *as = aspace_create();
    KTEST_EXPECT(as);
    size_t tables = as->table_pages;
    uint64_t far = 0x0000600000000000ULL; /* its own PML4 slot */
    KTEST_EXPECT(kt_map(as, far, 1, VMA_READ | VMA_WRITE, VMA_ANON) == 0);
    KTEST_EXPECT(aspace_fault(as, far, ASPACE_ACCESS_WRITE) == ASPACE_FAULT_OK);
    KTEST_EXPECT(as->table_pages == tables + 3);
    KTEST_EXPECT(aspace_munmap(as, far, PAGE_SIZE) == 0);
    KTEST_EXPECT(as->table_pages == tables && as->user_pages == 0);
    aspace_destroy(as);
}

KTEST(aspace_shared_object_outlives_one_mapping)
{
    size_t before = kt_free_pages();
    aspace_t *a = aspace_create(), *b = aspace_create();
    KTEST_EXPECT(a && b);
    KTEST_EXPECT(kt_map(a, KT_BASE, 2, VMA_READ | VMA_WRITE, VMA_SHARED) == 0);
    KTEST_EXPECT(aspace_share_into(b, a) == 0);
    KTEST_EXPECT(aspace_fault(a, KT_BASE, ASPACE_ACCESS_WRITE) == ASPACE_FAULT_OK);
    KTEST_EXPECT(aspace_fault(b, KT_BASE, ASPACE_ACCESS_READ) == ASPACE_FAULT_OK);
    uint64_t pa = aspace_translate(a, KT_BASE), pb = aspace_translate(b, KT_BASE);
    KTEST_EXPECT(pa && pa == pb);
    *(volatile uint32_t *)phys_to_virt(pa) = 0xfeed;
    aspace_destroy(a);
    KTEST_EXPECT(*(volatile uint32_t *)phys_to_virt(aspace_translate(b, KT_BASE)) == 0xfeed);
    KTEST_EXPECT(aspace_share_into(b, b) == EINVAL); /* already there */
    aspace_destroy(b);
    KTEST_EXPECT(kt_free_pages() == before);
}

KTEST(aspace_guard_and_stack_regions_fault_as_expected)
{
    aspace_t *as = aspace_create();
    KTEST_EXPECT(as);
    uint64_t top = 0x00007FFFFFFFF000ULL, limit = 64 * PAGE_SIZE;
    KTEST_EXPECT(aspace_stack_create(as, top, limit, 2 * PAGE_SIZE) == 0);
    KTEST_EXPECT(as->user_pages == 2);
    KTEST_EXPECT(aspace_fault(as, top - limit, ASPACE_ACCESS_WRITE) == ASPACE_FAULT_OK);
    KTEST_EXPECT(aspace_fault(as, top - limit - 1, ASPACE_ACCESS_WRITE) == ASPACE_FAULT_GUARD);
    aspace_fault_t why;
    uint64_t phys = aspace_user_phys(as, top - 3 * PAGE_SIZE + 12, ASPACE_ACCESS_WRITE, &why);
    KTEST_EXPECT(phys && why == ASPACE_FAULT_OK && (phys & 0xFFF) == 12);
    KTEST_EXPECT(!aspace_user_phys(as, 0x1000, ASPACE_ACCESS_READ, &why) &&
                 why == ASPACE_FAULT_UNMAPPED);
    aspace_destroy(as);
}
