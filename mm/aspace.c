/*
 * aspace.c - user address spaces: 4-level tables built from pmm pages, touched through the
 * direct map. User leaves are present+user, writable only on request, NX unless executable.
 * Intermediate tables carry P|W|U so the leaf alone decides the access.
 */
#include "mm/aspace.h"
#include "kernel/lib/string.h"
#include "kernel/panic.h"
#include "mm/heap.h"
#include "mm/hhdm.h"
#include "mm/pmm.h"
#include "mm/vmm.h"
#include "kernel/arch/cpu.h"

#define PTE_P    (1ULL << 0)
#define PTE_W    (1ULL << 1)
#define PTE_U    (1ULL << 2)
#define PTE_PS   (1ULL << 7)
#define PTE_NX   (1ULL << 63)
#define PTE_ADDR 0x000FFFFFFFFFF000ULL
#define PTE_TABLE_FLAGS (PTE_P | PTE_W | PTE_U)
#define ENTRIES 512
#define USER_PML4_ENTRIES 256

static uint64_t *table_at(uint64_t phys) { return phys_to_virt(phys & PTE_ADDR); }

static unsigned va_index(uint64_t va, unsigned level) /* level 3 = PML4 ... 0 = PT */
{
    return (unsigned)((va >> (12 + 9 * level)) & 0x1FF);
}

static void aspace_copy_kernel_half(uint64_t pml4_phys)
{
    uint64_t *dst = table_at(pml4_phys), *src = table_at(vmm_kernel_pml4());
    for (unsigned i = USER_PML4_ENTRIES; i < ENTRIES; i++)
        dst[i] = src[i];
}

aspace_t *aspace_create(void)
{
    aspace_t *as = kzalloc(sizeof *as);
    if (!as)
        return NULL;
    as->pml4_phys = pmm_alloc();
    if (!as->pml4_phys) {
        kfree(as);
        return NULL;
    }
    memset(table_at(as->pml4_phys), 0, PAGE_SIZE);
    aspace_copy_kernel_half(as->pml4_phys);
    return as;
}

/* Frees the tree below a table entry; level is the level of the table it points to. */
static void aspace_free_level(aspace_t *as, uint64_t table_phys, unsigned level)
{
    uint64_t *t = table_at(table_phys);
    for (unsigned i = 0; i < ENTRIES; i++) {
        if (!(t[i] & PTE_P))
            continue;
        ASSERT(!(t[i] & PTE_PS)); /* user space is mapped with 4 KiB pages only */
        if (level == 0) {
            pmm_free(t[i] & PTE_ADDR);
            as->user_pages--;
        } else {
            aspace_free_level(as, t[i] & PTE_ADDR, level - 1);
        }
    }
    pmm_free(table_phys);
    if (level < 3)
        as->table_pages--;
}

void aspace_destroy(aspace_t *as)
{
    if (!as)
        return;
    ASSERT((read_cr3() & PTE_ADDR) != as->pml4_phys);
    uint64_t *pml4 = table_at(as->pml4_phys);
    for (unsigned i = 0; i < USER_PML4_ENTRIES; i++)
        if (pml4[i] & PTE_P)
            aspace_free_level(as, pml4[i] & PTE_ADDR, 2);
    pmm_free(as->pml4_phys);
    ASSERT(as->user_pages == 0 && as->table_pages == 0);
    kfree(as);
}

/* The PT entry for va, creating missing tables when create is set; NULL otherwise. */
static uint64_t *aspace_walk(const aspace_t *as, uint64_t va, bool create, size_t *tables)
{
    uint64_t *t = table_at(as->pml4_phys);
    for (unsigned level = 3; level > 0; level--) {
        uint64_t *e = &t[va_index(va, level)];
        if (!(*e & PTE_P)) {
            if (!create)
                return NULL;
            uint64_t p = pmm_alloc();
            if (!p)
                return NULL;
            memset(phys_to_virt(p), 0, PAGE_SIZE);
            *e = p | PTE_TABLE_FLAGS;
            (*tables)++;
        }
        t = table_at(*e);
    }
    return &t[va_index(va, 0)];
}

static bool aspace_va_ok(uint64_t va)
{
    return (va & (PAGE_SIZE - 1)) == 0 && va < ASPACE_USER_END;
}

bool aspace_map_zeroed(aspace_t *as, uint64_t va, unsigned flags)
{
    ASSERT(aspace_va_ok(va));
    uint64_t *pte = aspace_walk(as, va, true, &as->table_pages);
    if (!pte)
        return false;
    uint64_t perm = (flags & ASPACE_WRITE ? PTE_W : 0) | (flags & ASPACE_EXEC ? 0 : PTE_NX);
    if (*pte & PTE_P) {
        uint64_t nx = (*pte & PTE_NX) & perm; /* stays NX only if both want NX */
        *pte = (*pte & ~PTE_NX) | (perm & PTE_W) | nx;
        return true; /* not active yet or widening only: no TLB shootdown needed */
    }
    uint64_t page = pmm_alloc();
    if (!page)
        return false;
    memset(phys_to_virt(page), 0, PAGE_SIZE);
    *pte = page | PTE_P | PTE_U | perm;
    as->user_pages++;
    return true;
}

uint64_t aspace_translate(const aspace_t *as, uint64_t va)
{
    if (va >= ASPACE_USER_END)
        return 0;
    uint64_t *pte = aspace_walk(as, va & ~(PAGE_SIZE - 1), false, NULL);
    if (!pte || !(*pte & PTE_P))
        return 0;
    return (*pte & PTE_ADDR) | (va & (PAGE_SIZE - 1));
}

bool aspace_write(const aspace_t *as, uint64_t va, const void *src, size_t n)
{
    const uint8_t *s = src;
    while (n) {
        uint64_t phys = aspace_translate(as, va);
        if (!phys)
            return false;
        size_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (chunk > n)
            chunk = n;
        memcpy(phys_to_virt(phys), s, chunk);
        s += chunk;
        va += chunk;
        n -= chunk;
    }
    return true;
}

void aspace_activate(const aspace_t *as)
{
    /* No upper-half sync needed: vmm pre-allocates all 256 kernel PML4 entries at boot,
     * so the copy made by aspace_create() sees every later kernel mapping. */
    uint64_t pml4 = as ? as->pml4_phys : vmm_kernel_pml4();
    if ((read_cr3() & PTE_ADDR) != pml4)
        write_cr3(pml4);
}
