/*
 * shm.c - shared anonymous memory objects (see shm.h). A page slot goes 0 -> page exactly
 * once (compare-and-swap: two spaces faulting the same page at once keep one page and the
 * loser frees its own), and pages are freed only by the last shm_put.
 */
#include "mm/shm.h"
#include "kernel/panic.h"
#include "mm/heap.h"
#include "mm/hhdm.h"
#include "mm/mm_internal.h"
#include "mm/pmm.h"

/* The object header plus its page array must stay a sane kmalloc size. */
#define SHM_MAX_PAGES ((64ULL << 20) / sizeof(uint64_t))

shm_t *shm_create(size_t npages)
{
    if (npages == 0 || npages > SHM_MAX_PAGES)
        return NULL;
    shm_t *s = kzalloc(sizeof *s + npages * sizeof s->pages[0]);
    if (!s)
        return NULL;
    s->refs = 1;
    s->npages = npages;
    return s;
}

void shm_get(shm_t *s)
{
    uint64_t old = __atomic_fetch_add(&s->refs, 1, __ATOMIC_RELAXED);
    ASSERT(old > 0);
}

void shm_put(shm_t *s)
{
    uint64_t old = __atomic_fetch_sub(&s->refs, 1, __ATOMIC_ACQ_REL);
    ASSERT(old > 0);
    if (old != 1)
        return;
    for (size_t i = 0; i < s->npages; i++)
        if (s->pages[i])
            pmm_free(s->pages[i]);
    kfree(s);
}

uint64_t shm_page(shm_t *s, size_t index, uint64_t (*alloc_page)(void))
{
    ASSERT(index < s->npages);
    uint64_t p = __atomic_load_n(&s->pages[index], __ATOMIC_ACQUIRE);
    if (p)
        return p;
    uint64_t fresh = alloc_page();
    if (!fresh)
        return 0;
    mm_zero(phys_to_virt(fresh), PAGE_SIZE);
    uint64_t expected = 0;
    if (__atomic_compare_exchange_n(&s->pages[index], &expected, fresh, false,
                                    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return fresh;
    pmm_free(fresh);
    return expected;
}
