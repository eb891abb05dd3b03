/*
 * pmm.c - physical page allocator.
 *
 * Design (chosen so that boot time does not grow with RAM):
 *   - Every managed page is in exactly one of four states:
 *       fresh:   inside a region's [fresh_start, fresh_end) range, never handed out yet;
 *       stacked: on the single-page free stack, threaded through the pages themselves
 *                (first 8 bytes = physical address of the next page, 0 ends the stack);
 *       in a run: part of a freed contiguous run, threaded through the run's first page
 *                ({next run, page count}) on the run list;
 *       allocated: handed out; its bit in the allocation bitmap is set.
 *   - pmm_alloc pops the stack, else bump-allocates from a fresh range, else splits a run: O(1)
 *     (a cursor skips exhausted fresh ranges, so the walk over regions is amortised).
 *   - pmm_free checks the bitmap (exact double-free and wild-free detection) and pushes: O(1).
 *   - pmm_alloc_contig takes a first-fit freed run, else carves from the top of a fresh range,
 *     else fails with 0. Freed runs are kept whole so that same-sized requests reuse them.
 *   - Init is O(regions^2) on the (clamped) boot map; no page is touched. The bitmap (one bit
 *     per page up to the highest usable address, 192 KiB at 4 GiB) is zeroed lazily, one
 *     bitmap page (128 MiB of RAM) at a time when a page in that chunk is first handed out;
 *     a chunk not yet zeroed reads as "nothing allocated".
 *   - Regions below 1 MiB are handed out last, so real-mode users (AP trampolines) find low
 *     pages with pmm_alloc_below.
 * The boot map is hostile: counts are clamped, unaligned, zero-sized and overflowing entries are
 * skipped, usable ranges are clipped against every non-usable entry, the loader's own data and
 * already accepted regions (so overlaps never hand a page out twice), and page 0 is ignored.
 * The bitmap's own pages are taken out of the usable count for good.
 */
#include "mm/pmm.h"
#include <stdbool.h>
#include "kernel/kprintf.h"
#include "kernel/ktest.h"
#include "kernel/panic.h"
#include "mm/hhdm.h"
#include "mm/mm_internal.h"

#define PMM_MAX_MAP_ENTRIES 512
#define PMM_MAX_REGIONS 128
#define PMM_LOW_LIMIT 0x100000ULL /* regions ending here or below are handed out last */
#define PMM_LOADER_RANGES 6
#define PMM_CHUNK_PFNS (PAGE_SIZE * 8) /* pages one bitmap page describes */
#define PMM_CHUNKS (HHDM_SIZE_MAX / PAGE_SIZE / PMM_CHUNK_PFNS)

typedef struct {
    uint64_t start, end;             /* the region, page aligned */
    uint64_t fresh_start, fresh_end; /* not yet handed out */
} pmm_region_t;

typedef struct {
    uint64_t next; /* physical address of the next run, 0 ends the list */
    uint64_t pages;
} pmm_run_t;

typedef struct {
    uint64_t start, end;
} pmm_range_t;

/* What one pass over the boot map accepts and what it must keep clear of. */
typedef struct {
    const boot_mem_region_t *map;
    uint32_t count;
    uint32_t take_type;          /* the type this pass adds */
    pmm_range_t loader[PMM_LOADER_RANGES];
} pmm_scan_t;

static struct {
    pmm_region_t regions[PMM_MAX_REGIONS];
    unsigned region_count;
    unsigned high_cursor, low_cursor; /* regions before these have no fresh pages left */
    unsigned first_high;              /* first region ending above PMM_LOW_LIMIT */
    uint64_t stack_top;
    uint64_t runs;
    size_t free_pages, total_pages;
    uint64_t *bitmap; /* bit set = page allocated */
    uint64_t bitmap_pfns;
    uint64_t chunk_ready[PMM_CHUNKS / 64]; /* bitmap pages already zeroed */
    uint64_t limit;   /* nothing at or above this physical address is managed */
    uint64_t dropped_pages;
    mm_lock_t lock;
} pmm;

/* ------------------------------------------------------------------ bitmap */

static inline bool pmm_chunk_ready(uint64_t pfn)
{
    uint64_t c = pfn / PMM_CHUNK_PFNS;
    return (pmm.chunk_ready[c / 64] >> (c % 64)) & 1;
}

static inline bool pmm_bit_test(uint64_t phys)
{
    uint64_t pfn = phys / PAGE_SIZE;
    return pfn < pmm.bitmap_pfns && pmm_chunk_ready(pfn) && (pmm.bitmap[pfn / 64] >> (pfn % 64)) & 1;
}

static inline void pmm_bit_set(uint64_t phys)
{
    uint64_t pfn = phys / PAGE_SIZE;
    if (!pmm_chunk_ready(pfn)) {
        uint64_t c = pfn / PMM_CHUNK_PFNS;
        mm_zero(&pmm.bitmap[c * PMM_CHUNK_PFNS / 64], PAGE_SIZE);
        pmm.chunk_ready[c / 64] |= 1ULL << (c % 64);
    }
    pmm.bitmap[pfn / 64] |= 1ULL << (pfn % 64);
}

static inline void pmm_bit_clear(uint64_t phys)
{
    uint64_t pfn = phys / PAGE_SIZE;
    pmm.bitmap[pfn / 64] &= ~(1ULL << (pfn % 64));
}

/* ------------------------------------------------------------------ boot map sanitising */

/* A usable entry's page-aligned range clipped to [4 KiB, limit); false when nothing is left. */
static bool pmm_entry_usable_range(const boot_mem_region_t *e, uint64_t limit, pmm_range_t *out)
{
    uint64_t start = e->phys_start, pages = e->pages;
    if (pages == 0 || (start & (PAGE_SIZE - 1)) || pages > (UINT64_MAX - start) / PAGE_SIZE)
        return false;
    uint64_t end = start + pages * PAGE_SIZE;
    if (start < PAGE_SIZE)
        start = PAGE_SIZE;
    if (end > limit)
        end = limit;
    if (start >= end)
        return false;
    *out = (pmm_range_t){ start, end };
    return true;
}

/* Range an entry claims, rounded outwards and saturated: the conservative view of what to avoid. */
static bool pmm_entry_claimed_range(const boot_mem_region_t *e, pmm_range_t *out)
{
    if (e->pages == 0)
        return false;
    uint64_t start = PAGE_ALIGN_DOWN(e->phys_start);
    uint64_t end = UINT64_MAX;
    if (e->pages <= (UINT64_MAX - e->phys_start) / PAGE_SIZE)
        end = e->phys_start + e->pages * PAGE_SIZE;
    *out = (pmm_range_t){ start, end };
    return true;
}

static bool pmm_type_usable(uint32_t type, uint32_t take_type)
{
    if (take_type == BOOT_MEM_FREE)
        return type == BOOT_MEM_FREE;
    return type == BOOT_MEM_FREE || type == BOOT_MEM_BOOT_SERVICES;
}

static inline bool pmm_overlaps(pmm_range_t r, uint64_t s, uint64_t e)
{
    return r.start < e && r.end > s;
}

static inline void pmm_pick_lowest(pmm_range_t r, uint64_t s, uint64_t e, pmm_range_t *best,
                                   bool *found)
{
    if (pmm_overlaps(r, s, e) && (!*found || r.start < best->start)) {
        *best = r;
        *found = true;
    }
}

/* The lowest-starting forbidden range overlapping [s, e). */
static bool pmm_first_conflict(const pmm_scan_t *sc, uint64_t s, uint64_t e, pmm_range_t *out)
{
    bool found = false;
    for (uint32_t i = 0; i < sc->count; i++) {
        pmm_range_t r;
        if (!pmm_type_usable(sc->map[i].type, sc->take_type) &&
            pmm_entry_claimed_range(&sc->map[i], &r))
            pmm_pick_lowest(r, s, e, out, &found);
    }
    for (unsigned i = 0; i < PMM_LOADER_RANGES; i++)
        pmm_pick_lowest(sc->loader[i], s, e, out, &found);
    for (unsigned i = 0; i < pmm.region_count; i++)
        pmm_pick_lowest((pmm_range_t){ pmm.regions[i].start, pmm.regions[i].end }, s, e, out,
                        &found);
    return found;
}

/* ------------------------------------------------------------------ regions */

static void pmm_cursors_reset(void)
{
    unsigned i = 0;
    while (i < pmm.region_count && pmm.regions[i].end <= PMM_LOW_LIMIT)
        i++;
    pmm.first_high = i;
    pmm.high_cursor = i;
    pmm.low_cursor = 0;
}

static bool pmm_region_merge(uint64_t s, uint64_t e)
{
    for (unsigned i = 0; i < pmm.region_count; i++) {
        pmm_region_t *r = &pmm.regions[i];
        if (r->end == s && r->fresh_end == r->end) {
            r->end = r->fresh_end = e;
            return true;
        }
        if (r->start == e && r->fresh_start == r->start) {
            r->start = r->fresh_start = s;
            return true;
        }
    }
    return false;
}

/* [s, e) is page aligned, conflict-free and inside the bitmap's reach. */
static void pmm_region_add(uint64_t s, uint64_t e)
{
    size_t pages = (e - s) / PAGE_SIZE;
    if (!pmm_region_merge(s, e)) {
        if (pmm.region_count == PMM_MAX_REGIONS) {
            pmm.dropped_pages += pages;
            return;
        }
        unsigned i = pmm.region_count;
        while (i > 0 && pmm.regions[i - 1].start > s) {
            pmm.regions[i] = pmm.regions[i - 1];
            i--;
        }
        pmm.regions[i] = (pmm_region_t){ s, e, s, e };
        pmm.region_count++;
    }
    pmm.free_pages += pages;
    pmm.total_pages += pages;
    pmm_cursors_reset();
}

/* Adds the parts of [s, e) that no forbidden range covers. */
static void pmm_range_add_clipped(const pmm_scan_t *sc, uint64_t s, uint64_t e)
{
    pmm_range_t c = { 0, 0 };
    while (s < e) {
        if (!pmm_first_conflict(sc, s, e, &c)) {
            pmm_region_add(s, e);
            return;
        }
        if (c.start > s)
            pmm_region_add(s, c.start);
        if (c.end >= e)
            return;
        s = PAGE_ALIGN_UP(c.end);
    }
}

static uint64_t pmm_scan_add(const pmm_scan_t *sc)
{
    size_t before = pmm.total_pages;
    for (uint32_t i = 0; i < sc->count; i++) {
        pmm_range_t r;
        if (sc->map[i].type == sc->take_type &&
            pmm_entry_usable_range(&sc->map[i], pmm.limit, &r))
            pmm_range_add_clipped(sc, r.start, r.end);
    }
    return pmm.total_pages - before;
}

static pmm_range_t pmm_loader_range(uint64_t phys, uint64_t size)
{
    uint64_t start = PAGE_ALIGN_DOWN(phys);
    uint64_t end = UINT64_MAX;
    if (phys <= UINT64_MAX - PAGE_SIZE && size <= UINT64_MAX - PAGE_SIZE - phys)
        end = PAGE_ALIGN_UP(phys + size);
    return (pmm_range_t){ start, end };
}

/* Reads the map pointer and count, refusing a map outside the direct map. */
static void pmm_scan_prepare(const boot_info_t *bi, uint32_t take_type, pmm_scan_t *sc)
{
    uint32_t count = bi->mem_region_count;
    if (count > PMM_MAX_MAP_ENTRIES)
        count = PMM_MAX_MAP_ENTRIES;
    uint64_t bytes = (uint64_t)count * sizeof(boot_mem_region_t);
    uint64_t phys = bi->mem_regions_phys;
    if (phys == 0 || (phys & 7) || phys >= pmm.limit || bytes > pmm.limit - phys)
        panic("pmm: boot memory map at %p (%u entries) is not in the direct map", (void *)phys,
              bi->mem_region_count);
    sc->map = phys_to_virt(phys);
    sc->count = count;
    sc->take_type = take_type;
    uint64_t cmdline_size = bi->cmdline_phys ? BOOT_CMDLINE_MAX : 0;
    sc->loader[0] = pmm_loader_range(bi->kernel_phys_base, bi->kernel_size);
    sc->loader[1] = pmm_loader_range(bi->stack_phys, BOOT_STACK_SIZE);
    sc->loader[2] = pmm_loader_range(phys, bytes);
    sc->loader[3] = pmm_loader_range(virt_to_phys(bi), sizeof(*bi));
    sc->loader[4] = pmm_loader_range(bi->cmdline_phys, cmdline_size);
    sc->loader[5] = pmm_loader_range(bi->root_archive_phys, bi->root_archive_size);
}

/* ------------------------------------------------------------------ bitmap placement */

static uint64_t pmm_highest_usable_end(const pmm_scan_t *sc)
{
    uint64_t top = 0;
    for (uint32_t i = 0; i < sc->count; i++) {
        pmm_range_t r;
        if (pmm_type_usable(sc->map[i].type, BOOT_MEM_BOOT_SERVICES) &&
            pmm_entry_usable_range(&sc->map[i], pmm.limit, &r) && r.end > top)
            top = r.end;
    }
    return top;
}

/* Carves the bitmap from the largest fresh range; whole pages, so lazy zeroing stays inside. */
static void pmm_bitmap_place(uint64_t top)
{
    pmm.bitmap_pfns = (top / PAGE_SIZE + 63) & ~63ULL;
    uint64_t bytes = pmm.bitmap_pfns / 8;
    uint64_t pages = PAGE_ALIGN_UP(bytes) / PAGE_SIZE;
    pmm_region_t *best = NULL;
    for (unsigned i = 0; i < pmm.region_count; i++) {
        pmm_region_t *r = &pmm.regions[i];
        if (!best || r->fresh_end - r->fresh_start > best->fresh_end - best->fresh_start)
            best = r;
    }
    if (!best || (best->fresh_end - best->fresh_start) / PAGE_SIZE <= pages)
        panic("pmm: no room for a %llu-page allocation bitmap", (unsigned long long)pages);
    pmm.bitmap = phys_to_virt(best->fresh_start);
    best->fresh_start += pages * PAGE_SIZE;
    pmm.free_pages -= pages;
    pmm.total_pages -= pages;
}

/* ------------------------------------------------------------------ init and reporting */

static uint64_t pmm_reserved_pages(const pmm_scan_t *sc)
{
    uint64_t sum = 0;
    for (uint32_t i = 0; i < sc->count; i++) {
        uint64_t p = sc->map[i].pages;
        if (!pmm_type_usable(sc->map[i].type, sc->take_type))
            sum = (p > UINT64_MAX - sum) ? UINT64_MAX : sum + p;
    }
    return sum;
}

static void pmm_log_summary(const pmm_scan_t *sc)
{
    kprintf("mm: %llu MiB usable in %u regions, %llu MiB reserved\n",
            (unsigned long long)(pmm.total_pages / 256), pmm.region_count,
            (unsigned long long)(pmm_reserved_pages(sc) / 256));
    if (pmm.dropped_pages)
        kprintf("mm: %llu MiB dropped (region table full)\n",
                (unsigned long long)(pmm.dropped_pages / 256));
}

void pmm_init(const boot_info_t *bi)
{
    mm_lock_init(&pmm.lock, LOCK_RANK_PMM);
    uint64_t hhdm = bi->hhdm_size;
    pmm.limit = PAGE_ALIGN_DOWN(hhdm < HHDM_SIZE_MAX ? hhdm : HHDM_SIZE_MAX);
    pmm_scan_t sc;
    pmm_scan_prepare(bi, BOOT_MEM_FREE, &sc);
    pmm_scan_add(&sc);
    pmm_bitmap_place(pmm_highest_usable_end(&sc));
    pmm_log_summary(&sc);
}

void pmm_reclaim_boot_services(const boot_info_t *bi)
{
    pmm_scan_t sc;
    pmm_scan_prepare(bi, BOOT_MEM_BOOT_SERVICES, &sc);
    uint64_t flags = mm_lock_acquire(&pmm.lock);
    /* Boot-services ranges above the bitmap's reach (a changed map) cannot be tracked. */
    uint64_t saved = pmm.limit;
    pmm.limit = pmm.bitmap_pfns * PAGE_SIZE < saved ? pmm.bitmap_pfns * PAGE_SIZE : saved;
    uint64_t added = pmm_scan_add(&sc);
    pmm.limit = saved;
    mm_lock_release(&pmm.lock, flags);
    kprintf("mm: reclaimed %llu KiB of boot-services memory\n", (unsigned long long)added * 4);
    pmm_log_summary(&sc);
}

/* ------------------------------------------------------------------ allocation */

/* Next fresh page from regions [*cursor, end), advancing the cursor past exhausted ones. */
static uint64_t pmm_fresh_take(unsigned *cursor, unsigned end)
{
    while (*cursor < end) {
        pmm_region_t *r = &pmm.regions[*cursor];
        if (r->fresh_start < r->fresh_end) {
            uint64_t p = r->fresh_start;
            r->fresh_start += PAGE_SIZE;
            return p;
        }
        (*cursor)++;
    }
    return 0;
}

/* Splits the last page off the first run. */
static uint64_t pmm_run_take_page(void)
{
    if (!pmm.runs)
        return 0;
    pmm_run_t *run = phys_to_virt(pmm.runs);
    if (run->pages == 1) {
        uint64_t p = pmm.runs;
        pmm.runs = run->next;
        return p;
    }
    run->pages--;
    return pmm.runs + run->pages * PAGE_SIZE;
}

static uint64_t pmm_alloc_locked(void)
{
    uint64_t p = pmm.stack_top;
    if (p) {
        pmm.stack_top = *(uint64_t *)phys_to_virt(p);
    } else {
        p = pmm_fresh_take(&pmm.high_cursor, pmm.region_count);
        if (!p)
            p = pmm_run_take_page();
        if (!p)
            p = pmm_fresh_take(&pmm.low_cursor, pmm.first_high);
        if (!p)
            return 0;
    }
    ASSERT(!pmm_bit_test(p));
    pmm_bit_set(p);
    pmm.free_pages--;
    return p;
}

uint64_t pmm_alloc(void)
{
    uint64_t flags = mm_lock_acquire(&pmm.lock);
    uint64_t p = pmm_alloc_locked();
    mm_lock_release(&pmm.lock, flags);
    return p;
}

uint64_t pmm_alloc_below(uint64_t limit)
{
    uint64_t flags = mm_lock_acquire(&pmm.lock);
    uint64_t p = 0;
    for (unsigned i = 0; i < pmm.region_count && !p; i++) {
        pmm_region_t *r = &pmm.regions[i];
        if (r->fresh_start < r->fresh_end && r->fresh_start + PAGE_SIZE <= limit) {
            p = r->fresh_start;
            r->fresh_start += PAGE_SIZE;
        }
    }
    if (p) {
        pmm_bit_set(p);
        pmm.free_pages--;
    }
    mm_lock_release(&pmm.lock, flags);
    return p;
}

/* First run with at least `count` pages; the tail is cut off so the run header stays put. */
static uint64_t pmm_run_take(size_t count)
{
    uint64_t *link = &pmm.runs;
    while (*link) {
        uint64_t rp = *link;
        pmm_run_t *run = phys_to_virt(rp);
        if (run->pages == count) {
            *link = run->next;
            return rp;
        }
        if (run->pages > count) {
            run->pages -= count;
            return rp + run->pages * PAGE_SIZE;
        }
        link = &run->next;
    }
    return 0;
}

static uint64_t pmm_fresh_take_contig(size_t count)
{
    for (unsigned i = pmm.region_count; i-- > 0;) {
        pmm_region_t *r = &pmm.regions[i];
        if ((r->fresh_end - r->fresh_start) / PAGE_SIZE >= count) {
            r->fresh_end -= count * PAGE_SIZE;
            return r->fresh_end;
        }
    }
    return 0;
}

uint64_t pmm_alloc_contig(size_t count)
{
    if (count == 0)
        return 0;
    if (count == 1)
        return pmm_alloc();
    uint64_t flags = mm_lock_acquire(&pmm.lock);
    uint64_t p = 0;
    if (count <= pmm.free_pages) {
        p = pmm_run_take(count);
        if (!p)
            p = pmm_fresh_take_contig(count);
    }
    if (p) {
        for (size_t i = 0; i < count; i++) {
            ASSERT(!pmm_bit_test(p + i * PAGE_SIZE));
            pmm_bit_set(p + i * PAGE_SIZE);
        }
        pmm.free_pages -= count;
    }
    mm_lock_release(&pmm.lock, flags);
    return p;
}

/* ------------------------------------------------------------------ freeing */

static void pmm_check_allocated(uint64_t phys)
{
    if ((phys & (PAGE_SIZE - 1)) || !pmm_bit_test(phys))
        panic("pmm: free of %p, which is not an allocated page (double or wild free)",
              (void *)phys);
}

void pmm_free(uint64_t phys)
{
    uint64_t flags = mm_lock_acquire(&pmm.lock);
    pmm_check_allocated(phys);
    pmm_bit_clear(phys);
    *(uint64_t *)phys_to_virt(phys) = pmm.stack_top;
    pmm.stack_top = phys;
    pmm.free_pages++;
    mm_lock_release(&pmm.lock, flags);
}

void pmm_free_contig(uint64_t phys, size_t count)
{
    if (count == 0)
        return;
    if (count == 1) {
        pmm_free(phys);
        return;
    }
    uint64_t flags = mm_lock_acquire(&pmm.lock);
    ASSERT(count <= pmm.total_pages);
    for (size_t i = 0; i < count; i++)
        pmm_check_allocated(phys + i * PAGE_SIZE);
    for (size_t i = 0; i < count; i++)
        pmm_bit_clear(phys + i * PAGE_SIZE);
    pmm_run_t *run = phys_to_virt(phys);
    run->next = pmm.runs;
    run->pages = count;
    pmm.runs = phys;
    pmm.free_pages += count;
    mm_lock_release(&pmm.lock, flags);
}

/* ------------------------------------------------------------------ queries */

bool pmm_page_is_allocated(uint64_t phys)
{
    uint64_t flags = mm_lock_acquire(&pmm.lock);
    bool a = !(phys & (PAGE_SIZE - 1)) && pmm_bit_test(phys);
    mm_lock_release(&pmm.lock, flags);
    return a;
}

bool pmm_page_is_free(uint64_t phys)
{
    uint64_t flags = mm_lock_acquire(&pmm.lock);
    uint64_t bitmap_phys = pmm.bitmap ? virt_to_phys(pmm.bitmap) : 0;
    bool managed = false;
    for (unsigned i = 0; i < pmm.region_count && !managed; i++)
        managed = phys >= pmm.regions[i].start && phys < pmm.regions[i].end;
    if (phys >= bitmap_phys && phys < bitmap_phys + PAGE_ALIGN_UP(pmm.bitmap_pfns / 8))
        managed = false;
    bool f = managed && !(phys & (PAGE_SIZE - 1)) && !pmm_bit_test(phys);
    mm_lock_release(&pmm.lock, flags);
    return f;
}

size_t pmm_free_pages(void)
{
    return pmm.free_pages;
}

size_t pmm_total_pages(void)
{
    return pmm.total_pages;
}

/* ------------------------------------------------------------------ self-tests */

#ifndef SPINDLE_HOST_TEST
KTEST(pmm_alloc_free_restores_counts_exactly)
{
    static uint64_t pages[256];
    size_t before = pmm_free_pages();
    for (unsigned i = 0; i < 256; i++) {
        pages[i] = pmm_alloc();
        KTEST_EXPECT(pages[i] != 0 && (pages[i] & 0xFFF) == 0 && pmm_page_is_allocated(pages[i]));
        *(volatile uint64_t *)phys_to_virt(pages[i]) = pages[i];
    }
    uint64_t run = pmm_alloc_contig(33);
    KTEST_EXPECT(run != 0);
    KTEST_EXPECT(pmm_free_pages() == before - 256 - 33);
    for (unsigned i = 0; i < 256; i++) {
        KTEST_EXPECT(*(volatile uint64_t *)phys_to_virt(pages[i]) == pages[i]);
        pmm_free(pages[i]);
    }
    pmm_free_contig(run, 33);
    KTEST_EXPECT(pmm_free_pages() == before);
}
#endif
