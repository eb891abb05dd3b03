/*
 * paging.c - the page tables the kernel starts on (4-level, no NX bits, built before
 * ExitBootServices from one AllocatePages block).
 *
 * Layout:
 *   PML4[0 .. n)       identity map of physical [0, hhdm_size), 2 MiB pages
 *   PML4[256 .. 256+n) the same PDPT pages again: direct map at BOOT_HHDM_BASE
 *   PML4[511]          the kernel image, 4 KiB pages, at its linked virtual addresses
 * where n = hhdm_size / 512 GiB rounded up (at most 255, so the direct map never reaches
 * PML4[511]). The identity half keeps the loader's own code and stack valid across the
 * CR3 switch; the kernel drops it when it loads its own tables.
 */
#include "efi/loader.h"

#define PTE_PRESENT  0x1ULL
#define PTE_WRITE    0x2ULL
#define PTE_LARGE    0x80ULL
#define PTE_ADDR     0x000FFFFFFFFFF000ULL
#define GIB          (1ULL << 30)
#define HHDM_PML4_FIRST 256u
#define HHDM_PML4_MAX   255u

typedef struct {
    uint64_t base; /* physical = virtual while boot services run */
    uint64_t used, total;
} pt_pool_t;

static uint64_t *pt_take(pt_pool_t *pool)
{
    if (pool->used >= pool->total)
        return NULL;
    return (uint64_t *)(uintptr_t)(pool->base + LOADER_PAGE * pool->used++);
}

/* Next-level table behind entry e, created on demand. */
static uint64_t *pt_next(pt_pool_t *pool, uint64_t *e)
{
    if (*e & PTE_PRESENT)
        return (uint64_t *)(uintptr_t)(*e & PTE_ADDR);
    uint64_t *t = pt_take(pool);
    if (t)
        *e = (uint64_t)(uintptr_t)t | PTE_PRESENT | PTE_WRITE;
    return t;
}

static bool pt_map_4k(pt_pool_t *pool, uint64_t *pml4, uint64_t va, uint64_t pa)
{
    uint64_t *pdpt = pt_next(pool, &pml4[(va >> 39) & 511]);
    uint64_t *pd = pdpt ? pt_next(pool, &pdpt[(va >> 30) & 511]) : NULL;
    uint64_t *pt = pd ? pt_next(pool, &pd[(va >> 21) & 511]) : NULL;
    if (!pt)
        return false;
    pt[(va >> 12) & 511] = pa | PTE_PRESENT | PTE_WRITE;
    return true;
}

static bool pt_direct_map(pt_pool_t *pool, uint64_t *pml4, uint64_t gib)
{
    uint64_t pdpts = (gib + 511) / 512;
    for (uint64_t p = 0; p < pdpts; p++) {
        uint64_t *pdpt = pt_take(pool);
        if (!pdpt)
            return false;
        uint64_t e = (uint64_t)(uintptr_t)pdpt | PTE_PRESENT | PTE_WRITE;
        pml4[p] = e;
        pml4[HHDM_PML4_FIRST + p] = e;
        for (uint64_t g = p * 512; g < gib && g < (p + 1) * 512; g++) {
            uint64_t *pd = pt_take(pool);
            if (!pd)
                return false;
            pdpt[g % 512] = (uint64_t)(uintptr_t)pd | PTE_PRESENT | PTE_WRITE;
            for (uint64_t j = 0; j < 512; j++)
                pd[j] = ((g * 512 + j) << 21) | PTE_PRESENT | PTE_WRITE | PTE_LARGE;
        }
    }
    return true;
}

EFI_STATUS paging_build(const boot_info_t *bi, uint64_t hhdm_size, uint64_t *pml4_phys)
{
    uint64_t gib = hhdm_size / GIB;
    uint64_t pdpts = (gib + 511) / 512;
    uint64_t kpages = bi->kernel_size / LOADER_PAGE;
    if (hhdm_size % GIB || gib == 0 || pdpts > HHDM_PML4_MAX ||
        bi->kernel_virt_base < 0xFFFFFF8000000000ULL) {
        con_printf("spindle-loader: ERROR: cannot map %lu GiB of physical memory\n", gib);
        return EFI_UNSUPPORTED;
    }
    /* PML4 + direct map + kernel (1 PDPT, PDs and PTs with room for unaligned ends) */
    pt_pool_t pool = { 0, 0, 1 + pdpts + gib + 1 + (kpages >> 18) + 2 + (kpages >> 9) + 2 };
    EFI_STATUS st = alloc_pages(pool.total, &pool.base);
    if (EFI_ERROR(st)) {
        con_printf("spindle-loader: ERROR: no memory for %lu page-table pages: %r\n",
                   pool.total, st);
        return st;
    }
    util_memset((void *)(uintptr_t)pool.base, 0, pool.total * LOADER_PAGE);
    uint64_t *pml4 = pt_take(&pool);
    bool ok = pt_direct_map(&pool, pml4, gib);
    for (uint64_t i = 0; ok && i < kpages; i++)
        ok = pt_map_4k(&pool, pml4, bi->kernel_virt_base + i * LOADER_PAGE,
                       bi->kernel_phys_base + i * LOADER_PAGE);
    if (!ok) {
        con_puts("spindle-loader: ERROR: page-table pool exhausted (loader bug)\n");
        return EFI_OUT_OF_RESOURCES;
    }
    *pml4_phys = (uint64_t)(uintptr_t)pml4;
    con_printf("spindle-loader: page tables: %lu GiB direct map, %lu table pages\n", gib,
               pool.used);
    return EFI_SUCCESS;
}
