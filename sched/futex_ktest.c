/*
 * futex_ktest.c - the futex's memory bound: WAKEs on 100k distinct addresses nobody waits on
 * leave the free-page count and the heap exactly as they were; and the error cases.
 */
#include <spindle/abi.h>
#include <spindle/errno.h>
#include "kernel/ktest.h"
#include "mm/aspace.h"
#include "mm/heap.h"
#include "mm/pmm.h"
#include "sched/futex.h"

#define T_FUTEX_BASE  0x0000000040000000ULL
#define T_FUTEX_PAGES 100
#define T_FUTEX_WAKES 100000

/* A space with an anonymous region of `pages` at T_FUTEX_BASE, every page already present. */
static aspace_t *t_futex_space(uint64_t pages)
{
    aspace_t *as = aspace_create();
    if (!as)
        return NULL;
    aspace_map_req_t req = { .addr = T_FUTEX_BASE, .length = pages * 4096,
                             .prot = VMA_READ | VMA_WRITE, .kind = VMA_ANON, .fixed = true };
    uint64_t base;
    aspace_fault_t why;
    bool ok = aspace_mmap(as, &req, &base) == 0 && base == T_FUTEX_BASE;
    for (uint64_t i = 0; ok && i < pages; i++)
        ok = aspace_user_phys(as, T_FUTEX_BASE + i * 4096, ASPACE_ACCESS_WRITE, &why) != 0;
    if (!ok) {
        aspace_destroy(as);
        return NULL;
    }
    return as;
}

KTEST(futex_wakes_on_fresh_addresses_allocate_nothing)
{
    aspace_t *as = t_futex_space(T_FUTEX_PAGES);
    KTEST_EXPECT(as);
    heap_trim();
    size_t pages = pmm_free_pages();
    size_t heap = heap_bytes_in_use();
    int64_t woken = 0;
    for (uint64_t i = 0; i < T_FUTEX_WAKES; i++)
        woken += futex_wake(as, T_FUTEX_BASE + i * 4, 1);
    heap_trim();
    KTEST_EXPECT(woken == 0);
    KTEST_EXPECT(pmm_free_pages() == pages);
    KTEST_EXPECT(heap_bytes_in_use() == heap);
    KTEST_EXPECT(futex_waiters() == 0);
    aspace_destroy(as);
}

KTEST(futex_rejects_unaligned_and_kernel_addresses)
{
    aspace_t *as = t_futex_space(1);
    KTEST_EXPECT(as);
    KTEST_EXPECT(futex_wake(as, T_FUTEX_BASE + 2, 1) == -EFAULT);
    KTEST_EXPECT(futex_wake(as, 0xFFFFFFFF80000000ULL, 1) == -EFAULT);
    KTEST_EXPECT(futex_wake(as, 0x00007FFFFFFFFFFEULL, 1) == -EFAULT);
    KTEST_EXPECT(futex_wake(as, T_FUTEX_BASE + 8, 5) == 0);
    aspace_destroy(as);
}
