/*
 * aspace_map.c - the regions of a user address space: mmap, munmap and mprotect of any page
 * range (splitting regions at its ends), the exec image and stack, and sharing regions with
 * a child. Pages are not touched here except to drop or re-protect them: they arrive on
 * first touch (fault.c).
 *
 * Every operation that may split allocates its spare nodes before taking as->lock, so a
 * failure leaves the space exactly as it was. Regions that count against the process
 * limit: all but guards (device windows too: a region costs kernel memory whatever backs
 * it). The number of regions is capped (SPINDLE_REGIONS_PER_PROCESS_MAX), checked before
 * any split, so a storm of one-page mappings ends in ENOMEM, not in a drained heap.
 */
#include "kernel/lib/string.h"
#include "kernel/panic.h"
#include "mm/aspace.h"
#include "mm/aspace_internal.h"
#include <spindle/errno.h>
#include "mm/heap.h"
#include "mm/hhdm.h"
#include "mm/pmm.h"
#include "mm/shm.h"
#include <spindle/limits.h>

#define GUARD_GAP PAGE_SIZE /* left free on each side of a region mmap places itself */

static size_t pages_of(uint64_t bytes)
{
    return (size_t)(bytes / PAGE_SIZE);
}

static bool vma_counts(const vma_t *v)
{
    return v->kind != VMA_GUARD;
}

/* Regions [start, end) would add by splitting the ones crossing its ends, plus `adding`
 * new ones, stay within the cap. as->lock held. */
static bool aspace_regions_fit(const aspace_t *as, uint64_t start, uint64_t end, size_t adding)
{
    const vma_t *v = vma_find(&as->vmas, start);
    size_t extra = adding + (v && v->start < start);
    v = vma_find(&as->vmas, end - 1);
    extra += v && v->end > end;
    return as->vmas.count + extra <= SPINDLE_REGIONS_PER_PROCESS_MAX;
}

static vma_t *vma_new(void)
{
    return kzalloc(sizeof(vma_t));
}

void aspace_vma_release(vma_t *v)
{
    if (v->shm)
        shm_put(v->shm);
    if (v->file)
        aspace_file_put(v->file);
    kfree(v);
}

static void vma_take_refs(vma_t *v)
{
    if (v->shm)
        shm_get(v->shm);
    if (v->file)
        aspace_file_get(v->file);
}

/* Splits v at `at` (inside it): v keeps the lower part, spare becomes the upper part. */
static void aspace_split(aspace_t *as, vma_t *v, uint64_t at, vma_t *spare)
{
    ASSERT(at > v->start && at < v->end && !(at & (PAGE_SIZE - 1)));
    *spare = *v;
    spare->start = at;
    spare->pgoff = v->pgoff + pages_of(at - v->start);
    vma_take_refs(spare);
    v->end = at;
    vma_insert(&as->vmas, spare);
}

/* Makes region boundaries fall on start and end; uses up to two spares (set to NULL when
 * used). */
static void aspace_isolate(aspace_t *as, uint64_t start, uint64_t end, vma_t **spare)
{
    vma_t *v = vma_find(&as->vmas, start);
    if (v && v->start < start) {
        aspace_split(as, v, start, spare[0]);
        spare[0] = NULL;
    }
    v = vma_find(&as->vmas, end - 1);
    if (v && v->end > end) {
        aspace_split(as, v, end, spare[1]);
        spare[1] = NULL;
    }
}

/* Removes every region inside [start, end) (boundaries already isolated) and its pages.
 * Returns the removed nodes linked through ->right: the caller releases them with
 * regions_release() once as->lock is dropped (dropping a file reference may sleep). */
static vma_t *aspace_remove_range(aspace_t *as, uint64_t start, uint64_t end)
{
    vma_t *removed = NULL;
    aspace_pages_clear(as, start, end);
    for (vma_t *v = vma_next_after(&as->vmas, start); v && v->start < end;
         v = vma_next_after(&as->vmas, start)) {
        ASSERT(v->start >= start && v->end <= end);
        vma_remove(&as->vmas, v);
        if (vma_counts(v))
            as->mapped_pages -= pages_of(v->end - v->start);
        v->right = removed;
        removed = v;
    }
    return removed;
}

static void regions_release(vma_t *list)
{
    while (list) {
        vma_t *next = list->right;
        aspace_vma_release(list);
        list = next;
    }
}

static bool spares_alloc(vma_t **spare)
{
    spare[0] = vma_new();
    spare[1] = vma_new();
    return spare[0] && spare[1];
}

static void spares_free(vma_t **spare)
{
    kfree(spare[0]);
    kfree(spare[1]);
}

/* A page range from a user (addr, length): aligned start, non-empty, inside the user half. */
static bool range_from_user(uint64_t addr, uint64_t length, uint64_t *end)
{
    if ((addr & (PAGE_SIZE - 1)) || length == 0 || length > ASPACE_USER_END ||
        addr >= ASPACE_USER_END)
        return false;
    uint64_t len = PAGE_ALIGN_UP(length);
    if (len > ASPACE_USER_END - addr)
        return false;
    *end = addr + len;
    return true;
}

int aspace_munmap(aspace_t *as, uint64_t addr, uint64_t length)
{
    uint64_t end;
    if (!range_from_user(addr, length, &end))
        return EINVAL;
    vma_t *spare[2];
    int err = ENOMEM;
    if (!spares_alloc(spare))
        goto out;
    uint64_t f = mm_lock_acquire(&as->lock);
    vma_t *removed = NULL;
    if (aspace_regions_fit(as, addr, end, 0)) {
        aspace_isolate(as, addr, end, spare);
        removed = aspace_remove_range(as, addr, end);
        err = 0;
    }
    mm_lock_release(&as->lock, f);
    regions_release(removed);
out:
    spares_free(spare);
    return err;
}

static bool prot_is_wx(unsigned prot)
{
    return (prot & VMA_WRITE) && (prot & VMA_EXEC);
}

/* mprotect's checks before anything changes: the range is covered by regions without
 * holes, and each allows prot. */
static int aspace_protect_check(aspace_t *as, uint64_t start, uint64_t end, unsigned prot)
{
    uint64_t at = start;
    for (vma_t *v = vma_next_after(&as->vmas, start); at < end; v = vma_next_after(&as->vmas, v->end)) {
        if (!v || v->start > at || v->kind == VMA_GUARD)
            return ENOMEM; /* a hole, as Linux reports it */
        if (prot_is_wx(prot) && !(v->flags & VMA_F_ALLOW_WX))
            return EACCES;
        at = v->end;
    }
    return 0;
}

int aspace_mprotect(aspace_t *as, uint64_t addr, uint64_t length, unsigned prot)
{
    uint64_t end;
    if (!range_from_user(addr, length, &end) || (prot & ~VMA_PROT_MASK))
        return EINVAL;
    vma_t *spare[2];
    int err = ENOMEM;
    if (!spares_alloc(spare))
        goto out;
    uint64_t f = mm_lock_acquire(&as->lock);
    err = aspace_protect_check(as, addr, end, prot);
    if (!err && !aspace_regions_fit(as, addr, end, 0))
        err = ENOMEM;
    if (!err) {
        aspace_isolate(as, addr, end, spare);
        for (vma_t *v = vma_next_after(&as->vmas, addr); v && v->start < end;
             v = vma_next_after(&as->vmas, v->end))
            v->prot = prot;
        aspace_pages_protect(as, addr, end, prot);
    }
    mm_lock_release(&as->lock, f);
out:
    spares_free(spare);
    return err;
}

/* First fit in [ASPACE_MMAP_BASE, ASPACE_MMAP_END) with a guard gap on both sides; 0 when
 * there is no room. */
static uint64_t aspace_find_gap(const aspace_t *as, uint64_t len)
{
    uint64_t cand = ASPACE_MMAP_BASE;
    for (vma_t *v = vma_next_after(&as->vmas, cand);; v = vma_next_after(&as->vmas, v->end)) {
        uint64_t limit = v && v->start < ASPACE_MMAP_END ? v->start : ASPACE_MMAP_END;
        if (limit > cand && limit - cand >= len + GUARD_GAP)
            return cand;
        if (!v || v->end >= ASPACE_MMAP_END - GUARD_GAP)
            return 0;
        if (v->end + GUARD_GAP > cand)
            cand = v->end + GUARD_GAP;
    }
}

/* Where the new region goes; 0 when nowhere. */
static uint64_t aspace_place(aspace_t *as, const aspace_map_req_t *req, uint64_t len)
{
    if (req->fixed)
        return req->addr;
    uint64_t a = req->addr;
    if (a >= ASPACE_ADDR_MIN && a < ASPACE_USER_END && len <= ASPACE_USER_END - a &&
        vma_range_free(&as->vmas, a, a + len))
        return a;
    return aspace_find_gap(as, len);
}

static int aspace_mmap_check(const aspace_t *as, const aspace_map_req_t *req, uint64_t *len)
{
    if (req->length == 0 || req->length > ASPACE_USER_END || (req->addr & (PAGE_SIZE - 1)) ||
        (req->prot & ~VMA_PROT_MASK))
        return EINVAL;
    *len = PAGE_ALIGN_UP(req->length);
    if (req->fixed && (req->addr < ASPACE_ADDR_MIN || req->addr >= ASPACE_USER_END ||
                       *len > ASPACE_USER_END - req->addr))
        return EINVAL;
    if (prot_is_wx(req->prot) && !req->allow_wx)
        return EACCES;
    size_t pages = pages_of(*len);
    if (pages > as->limit_pages || as->mapped_pages > as->limit_pages - pages)
        return ENOMEM; /* past the process limit, whatever backs the region */
    size_t free = pmm_free_pages(), reserve = aspace_reserve_pages();
    if (free <= reserve)
        return ENOMEM; /* the region's own node must not eat into the kernel's reserve */
    if (req->kind != VMA_DEVICE && pages > free - reserve)
        return ENOMEM; /* past free memory: could never be filled */
    return 0;
}

int aspace_mmap(aspace_t *as, const aspace_map_req_t *req, uint64_t *out)
{
    uint64_t len;
    int err = aspace_mmap_check(as, req, &len);
    if (err)
        return err;
    vma_t *spare[2] = { NULL, NULL }, *v = vma_new();
    shm_t *shm = NULL;
    err = ENOMEM;
    if (!v || !spares_alloc(spare))
        goto fail;
    if (req->kind == VMA_SHARED && !(shm = shm_create(pages_of(len))))
        goto fail;
    *v = (vma_t){ .prot = req->prot, .kind = req->kind, .shm = shm, .dev_phys = req->dev_phys,
                  .flags = req->allow_wx ? VMA_F_ALLOW_WX : 0 };
    if (req->kind == VMA_FILE) {
        v->file = req->file;
        v->pgoff = req->pgoff;
        aspace_file_get(v->file);
    }
    uint64_t f = mm_lock_acquire(&as->lock);
    uint64_t at = aspace_place(as, req, len);
    if (at && !aspace_regions_fit(as, at, at + len, 1))
        at = 0; /* ENOMEM: too many regions */
    if (!at) {
        mm_lock_release(&as->lock, f);
        goto fail_refs;
    }
    vma_t *removed = NULL;
    if (req->fixed) {
        aspace_isolate(as, at, at + len, spare);
        removed = aspace_remove_range(as, at, at + len);
    }
    v->start = at;
    v->end = at + len;
    vma_insert(&as->vmas, v);
    if (vma_counts(v))
        as->mapped_pages += pages_of(len);
    mm_lock_release(&as->lock, f);
    regions_release(removed);
    spares_free(spare);
    *out = at;
    return 0;
fail_refs:
    aspace_vma_release(v); /* drops the shm and file references with the node */
    v = NULL;
fail:
    kfree(v);
    spares_free(spare);
    return err;
}

/* One image region [start, end) with the rights its entries carry. */
static int aspace_adopt_run(aspace_t *as, uint64_t start, uint64_t end, uint64_t e)
{
    vma_t *v = vma_new();
    if (!v)
        return ENOMEM;
    v->start = start;
    v->end = end;
    v->kind = VMA_ANON;
    v->flags = VMA_F_IMAGE;
    bool nx_on = (aspace_pte_bits(VMA_READ) & PTE_NX) != 0;
    v->prot = VMA_READ | (e & PTE_W ? VMA_WRITE : 0) | (!nx_on || !(e & PTE_NX) ? VMA_EXEC : 0);
    if (prot_is_wx(v->prot))
        v->flags |= VMA_F_ALLOW_WX; /* a segment shared with data: what the file asked for */
    vma_insert(&as->vmas, v);
    as->mapped_pages += pages_of(end - start);
    return 0;
}

int aspace_adopt_mapped(aspace_t *as, uint64_t start, uint64_t end)
{
    uint64_t run_start = 0, run_bits = 0;
    const uint64_t key = PTE_P | PTE_W | PTE_NX;
    for (uint64_t va = start;; va += PAGE_SIZE) {
        uint64_t *pte = va < end ? aspace_pte(as, va, false) : NULL;
        uint64_t bits = pte ? *pte & key : 0;
        if (run_bits && bits != run_bits) {
            int err = aspace_adopt_run(as, run_start, va, run_bits);
            if (err)
                return err;
            run_bits = 0;
        }
        if (va >= end)
            return 0;
        if (bits & PTE_P && !run_bits) {
            run_start = va;
            run_bits = bits;
        }
    }
}

static int aspace_add_region(aspace_t *as, uint64_t start, uint64_t end, vma_kind_t kind,
                             unsigned prot, unsigned flags)
{
    vma_t *v = vma_new();
    if (!v)
        return ENOMEM;
    *v = (vma_t){ .start = start, .end = end, .kind = kind, .prot = prot, .flags = flags };
    vma_insert(&as->vmas, v);
    if (vma_counts(v))
        as->mapped_pages += pages_of(end - start);
    return 0;
}

int aspace_stack_create(aspace_t *as, uint64_t top, uint64_t limit, uint64_t populate)
{
    uint64_t bottom = top - limit;
    ASSERT(!(top & (PAGE_SIZE - 1)) && !(limit & (PAGE_SIZE - 1)) && populate <= limit);
    if (!vma_range_free(&as->vmas, bottom - PAGE_SIZE, top))
        return ENOMEM;
    if (aspace_add_region(as, bottom - PAGE_SIZE, bottom, VMA_GUARD, 0, VMA_F_STACK) ||
        aspace_add_region(as, bottom, top, VMA_ANON, VMA_READ | VMA_WRITE, VMA_F_STACK))
        return ENOMEM;
    for (uint64_t va = top - PAGE_ALIGN_UP(populate); va < top; va += PAGE_SIZE)
        if (aspace_fault(as, va, ASPACE_ACCESS_WRITE) != ASPACE_FAULT_OK)
            return ENOMEM;
    return 0;
}

int aspace_share_into(aspace_t *dst, aspace_t *src)
{
    int err = 0;
    uint64_t f = mm_lock_acquire(&src->lock);
    for (vma_t *v = vma_next_after(&src->vmas, 0); v && !err;
         v = vma_next_after(&src->vmas, v->end)) {
        if (v->kind != VMA_SHARED)
            continue;
        vma_t *copy = vma_new();
        if (!copy) {
            err = ENOMEM;
            break;
        }
        if (!vma_range_free(&dst->vmas, v->start, v->end)) {
            kfree(copy);
            err = EINVAL;
            break;
        }
        *copy = *v;
        vma_take_refs(copy);
        vma_insert(&dst->vmas, copy);
        dst->mapped_pages += pages_of(v->end - v->start);
    }
    mm_lock_release(&src->lock, f);
    return err;
}
