/*
 * aspace.c - user address spaces at the page-table level: 4-level tables built from pmm
 * pages, touched through the direct map. User leaves are present+user, writable only on
 * request, NX unless executable. Intermediate tables carry P|W|U so the leaf alone decides
 * the access. Regions live in aspace_map.c, demand paging in fault.c.
 */
#include "mm/aspace.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/tlb.h"
#include "kernel/lib/string.h"
#include "kernel/panic.h"
#include "mm/aspace_internal.h"
#include "mm/heap.h"
#include "mm/hhdm.h"
#include "mm/pmm.h"
#include "mm/vmm.h"

#define PTE_TABLE_FLAGS (PTE_P | PTE_W | PTE_U)
#define ENTRIES 512
#define USER_PML4_ENTRIES 256
#define PT_SPAN (PAGE_SIZE * ENTRIES) /* bytes one page table maps */
#define FREE_BATCH 64

/* Per-process limit: 3/4 of RAM, at least 16 MiB and at most 1 GiB of regions. */
#define LIMIT_MIN_PAGES (16ULL << 20 >> 12)
#define LIMIT_MAX_PAGES (1ULL << 30 >> 12)
/* Reserve: 1/32 of RAM, between 1 MiB and 16 MiB. */
#define RESERVE_MIN_PAGES 256
#define RESERVE_MAX_PAGES 4096

void aspace_vma_release(vma_t *v); /* aspace_map.c */

static uint64_t *table_at(uint64_t phys) { return phys_to_virt(phys & PTE_ADDR); }

static unsigned va_index(uint64_t va, unsigned level) /* level 3 = PML4 ... 0 = PT */
{
    return (unsigned)((va >> (12 + 9 * level)) & 0x1FF);
}

size_t aspace_reserve_pages(void)
{
    size_t r = pmm_total_pages() / 32;
    return r < RESERVE_MIN_PAGES ? RESERVE_MIN_PAGES : r > RESERVE_MAX_PAGES ? RESERVE_MAX_PAGES : r;
}

uint64_t aspace_page_alloc(void)
{
    if (pmm_free_pages() <= aspace_reserve_pages())
        return 0;
    return pmm_alloc();
}

static size_t aspace_default_limit(void)
{
    size_t l = pmm_total_pages() / 4 * 3;
    return l < LIMIT_MIN_PAGES ? LIMIT_MIN_PAGES : l > LIMIT_MAX_PAGES ? LIMIT_MAX_PAGES : l;
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
    as->limit_pages = aspace_default_limit();
    mm_lock_init(&as->lock, LOCK_RANK_ASPACE);
    return as;
}

/* Frees the tree below a table entry; level is the level of the table it points to. */
static void aspace_free_level(aspace_t *as, uint64_t table_phys, unsigned level)
{
    uint64_t *t = table_at(table_phys);
    for (unsigned i = 0; i < ENTRIES; i++) {
        if (level == 0) {
            if (!pte_holds_page(t[i]))
                continue;
            if (!(t[i] & PTE_SW_NOFREE)) {
                pmm_free(t[i] & PTE_ADDR);
                as->user_pages--;
            }
            continue;
        }
        if (!(t[i] & PTE_P))
            continue;
        ASSERT(!(t[i] & PTE_PS)); /* user space is mapped with 4 KiB pages only */
        aspace_free_level(as, t[i] & PTE_ADDR, level - 1);
    }
    pmm_free(table_phys);
    if (level < 3)
        as->table_pages--;
}

static void aspace_free_regions(aspace_t *as)
{
    while (as->vmas.root) {
        vma_t *v = as->vmas.root;
        vma_remove(&as->vmas, v);
        aspace_vma_release(v);
    }
    as->mapped_pages = 0;
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
    /* Shared objects are dropped after every entry naming their pages is gone. */
    aspace_free_regions(as);
    pmm_free(as->pml4_phys);
    ASSERT(as->user_pages == 0 && as->table_pages == 0);
    kfree(as);
}

/* Points the absent entry e at a new zeroed table (counted in *tables); false when memory
 * is short. */
static bool aspace_table_fill(uint64_t *e, size_t *tables)
{
    uint64_t p = aspace_page_alloc();
    if (!p)
        return false;
    memset(phys_to_virt(p), 0, PAGE_SIZE);
    *e = p | PTE_TABLE_FLAGS;
    (*tables)++;
    return true;
}

/* The entry in the page directory (level 1) for va; *skip_to is where to look next when
 * an upper level is absent. */
static uint64_t *aspace_pde(const aspace_t *as, uint64_t va, bool create, size_t *tables,
                            uint64_t *skip_to)
{
    uint64_t *t = table_at(as->pml4_phys);
    for (unsigned level = 3; level > 1; level--) {
        uint64_t *e = &t[va_index(va, level)];
        if (!(*e & PTE_P)) {
            if (!create) {
                uint64_t span = 1ULL << (12 + 9 * level);
                *skip_to = (va & ~(span - 1)) + span;
                return NULL;
            }
            if (!aspace_table_fill(e, tables))
                return NULL;
        }
        t = table_at(*e);
    }
    return &t[va_index(va, 1)];
}

/* The PT entry for va, creating missing tables when create is set; NULL otherwise. */
static uint64_t *aspace_walk(const aspace_t *as, uint64_t va, bool create, size_t *tables)
{
    uint64_t skip;
    uint64_t *pde = aspace_pde(as, va, create, tables, &skip);
    if (!pde)
        return NULL;
    if (!(*pde & PTE_P) && (!create || !aspace_table_fill(pde, tables)))
        return NULL;
    return &table_at(*pde)[va_index(va, 0)];
}

uint64_t *aspace_pte(aspace_t *as, uint64_t va, bool create)
{
    return aspace_walk(as, va, create, &as->table_pages);
}

static bool aspace_va_ok(uint64_t va)
{
    return (va & (PAGE_SIZE - 1)) == 0 && va < ASPACE_USER_END;
}

static uint64_t aspace_nx_bit(void)
{
    return vmm_nx_enabled() ? PTE_NX : 0;
}

uint64_t aspace_pte_bits(unsigned prot)
{
    if (!(prot & VMA_PROT_MASK))
        return PTE_SW_HELD; /* PROT_NONE: keep the page, refuse every access */
    return PTE_P | PTE_U | (prot & VMA_WRITE ? PTE_W : 0) |
           (prot & VMA_EXEC ? 0 : aspace_nx_bit());
}

bool aspace_pte_install(aspace_t *as, uint64_t va, uint64_t phys, unsigned prot, bool owned)
{
    ASSERT(aspace_va_ok(va));
    uint64_t *pte = aspace_pte(as, va, true);
    if (!pte)
        return false;
    ASSERT(!pte_holds_page(*pte));
    *pte = phys | aspace_pte_bits(prot) | (owned ? 0 : PTE_SW_NOFREE);
    if (owned)
        as->user_pages++;
    return true; /* the entry was not present: nothing to flush */
}

/* Lock held. */
static bool aspace_map_zeroed_locked(aspace_t *as, uint64_t va, unsigned flags)
{
    uint64_t *pte = aspace_pte(as, va, true);
    if (!pte)
        return false;
    uint64_t perm = (flags & ASPACE_WRITE ? PTE_W : 0) | (flags & ASPACE_EXEC ? 0 : aspace_nx_bit());
    if (*pte & PTE_P) {
        uint64_t nx = (*pte & PTE_NX) & perm; /* stays NX only if both want NX */
        *pte = (*pte & ~PTE_NX) | (perm & PTE_W) | nx;
        return true; /* not active yet or widening only: no TLB shootdown needed */
    }
    uint64_t page = aspace_page_alloc();
    if (!page)
        return false;
    memset(phys_to_virt(page), 0, PAGE_SIZE);
    *pte = page | PTE_P | PTE_U | perm;
    as->user_pages++;
    return true;
}

bool aspace_map_zeroed(aspace_t *as, uint64_t va, unsigned flags)
{
    ASSERT(aspace_va_ok(va));
    /* Locked although meant for spaces nobody runs yet: a running one may call it too. */
    uint64_t f = mm_lock_acquire(&as->lock);
    bool ok = aspace_map_zeroed_locked(as, va, flags);
    mm_lock_release(&as->lock, f);
    return ok;
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

void aspace_switch(aspace_t *from, aspace_t *to, unsigned cpu)
{
    if (to)
        __atomic_or_fetch(&to->cpus_active, 1ULL << cpu, __ATOMIC_SEQ_CST);
    aspace_activate(to);
    if (from)
        __atomic_and_fetch(&from->cpus_active, ~(1ULL << cpu), __ATOMIC_SEQ_CST);
}

void aspace_tlb_flush(const aspace_t *as, uint64_t start, uint64_t end)
{
    if (start >= end)
        return;
    if ((read_cr3() & PTE_ADDR) == as->pml4_phys) {
        if ((end - start) / PAGE_SIZE > TLB_FLUSH_ALL_ABOVE) {
            write_cr3(read_cr3()); /* kernel pages are global: they survive */
        } else {
            for (uint64_t va = start; va < end; va += PAGE_SIZE)
                cpu_invlpg(va);
        }
    }
    /* The page-table writes must be visible before the mask is read (see aspace_switch). */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    tlb_shootdown(as->pml4_phys, start, end, __atomic_load_n(&as->cpus_active, __ATOMIC_SEQ_CST));
}

/* Owned pages waiting for the TLB flush that must precede their reuse. */
typedef struct {
    uint64_t pages[FREE_BATCH];
    unsigned n;
    uint64_t from; /* flush range start for the pages gathered so far */
} free_batch_t;

static void batch_flush(const aspace_t *as, free_batch_t *b, uint64_t upto)
{
    aspace_tlb_flush(as, b->from, upto);
    for (unsigned i = 0; i < b->n; i++)
        pmm_free(b->pages[i]);
    b->n = 0;
    b->from = upto;
}

static bool pt_is_empty(const uint64_t *pt)
{
    for (unsigned i = 0; i < ENTRIES; i++)
        if (pt[i])
            return false;
    return true;
}

/* Unhooks the now empty page table of va, and the directory levels above it that become
 * empty; their pages join the batch, so they are freed only after the TLB flush (the
 * paging-structure caches may still point at them until then). */
static void aspace_prune_tables(aspace_t *as, uint64_t va, free_batch_t *b)
{
    uint64_t *entry[3]; /* PML4, PDPT and PD entries for va */
    uint64_t *t = table_at(as->pml4_phys);
    for (unsigned level = 3; level >= 1; level--) {
        entry[3 - level] = &t[va_index(va, level)];
        ASSERT(*entry[3 - level] & PTE_P);
        t = table_at(*entry[3 - level]);
    }
    for (int i = 2; i >= 0; i--) {
        if (!pt_is_empty(table_at(*entry[i])))
            return;
        b->pages[b->n++] = *entry[i] & PTE_ADDR;
        *entry[i] = 0;
        as->table_pages--;
    }
}

/* Steps through [*va, end) one page table at a time, skipping spans with no table: returns
 * the table holding *va's entry and sets *chunk_end to where that table's span (or the range)
 * ends; NULL once the range is done. */
static uint64_t *aspace_next_pt(aspace_t *as, uint64_t *va, uint64_t end, uint64_t *chunk_end)
{
    while (*va < end) {
        uint64_t skip;
        uint64_t *pde = aspace_pde(as, *va, false, NULL, &skip);
        if (!pde || !(*pde & PTE_P)) {
            *va = pde ? (*va & ~(PT_SPAN - 1)) + PT_SPAN : skip;
            continue;
        }
        *chunk_end = (*va & ~(PT_SPAN - 1)) + PT_SPAN;
        if (*chunk_end > end)
            *chunk_end = end;
        return table_at(*pde);
    }
    return NULL;
}

void aspace_pages_clear(aspace_t *as, uint64_t start, uint64_t end)
{
    free_batch_t b = { .n = 0, .from = start };
    uint64_t va = start;
    uint64_t *pt, chunk_end;
    while ((pt = aspace_next_pt(as, &va, end, &chunk_end)) != NULL) {
        for (; va < chunk_end; va += PAGE_SIZE) {
            uint64_t *e = &pt[va_index(va, 0)];
            if (pte_holds_page(*e) && !(*e & PTE_SW_NOFREE)) {
                if (b.n == FREE_BATCH)
                    batch_flush(as, &b, va);
                b.pages[b.n++] = *e & PTE_ADDR;
                as->user_pages--;
            }
            *e = 0;
        }
        if (pt_is_empty(pt)) {
            if (b.n + 3 > FREE_BATCH)
                batch_flush(as, &b, va);
            aspace_prune_tables(as, va - PAGE_SIZE, &b);
        }
    }
    batch_flush(as, &b, end);
}

void aspace_pages_protect(aspace_t *as, uint64_t start, uint64_t end, unsigned prot)
{
    uint64_t bits = aspace_pte_bits(prot);
    uint64_t va = start;
    uint64_t *pt, chunk_end;
    while ((pt = aspace_next_pt(as, &va, end, &chunk_end)) != NULL) {
        for (; va < chunk_end; va += PAGE_SIZE) {
            uint64_t *e = &pt[va_index(va, 0)];
            if (pte_holds_page(*e))
                *e = (*e & (PTE_ADDR | PTE_SW_NOFREE)) | bits;
        }
    }
    aspace_tlb_flush(as, start, end);
}
