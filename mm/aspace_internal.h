/*
 * aspace_internal.h - page-table level of user address spaces, shared by aspace.c,
 * aspace_map.c and fault.c only. Callers hold as->lock (or own a space nobody runs yet).
 *
 * Leaf entries: a page is "held" when the entry is present, or when it carries
 * PTE_SW_HELD (PROT_NONE: the page stays but every access faults). PTE_SW_NOFREE marks a
 * page this space does not own (shared object, device): unmapping only drops the entry.
 */
#ifndef MM_ASPACE_INTERNAL_H
#define MM_ASPACE_INTERNAL_H

#include "mm/aspace.h"

#define PTE_P        (1ULL << 0)
#define PTE_W        (1ULL << 1)
#define PTE_U        (1ULL << 2)
#define PTE_PS       (1ULL << 7)
#define PTE_SW_NOFREE (1ULL << 9)
#define PTE_SW_HELD  (1ULL << 10)
#define PTE_NX       (1ULL << 63)
#define PTE_ADDR     0x000FFFFFFFFFF000ULL

static inline bool pte_holds_page(uint64_t e)
{
    return (e & (PTE_P | PTE_SW_HELD)) != 0;
}

/* The leaf entry for va, creating missing tables (user-reserve aware) when create is set;
 * NULL when absent or out of memory. */
uint64_t *aspace_pte(aspace_t *as, uint64_t va, bool create);
/* Leaf bits (without the address) for a region's rights. */
uint64_t aspace_pte_bits(unsigned prot);
/* Points va's entry at phys with prot's rights; owned pages count in user_pages. */
bool aspace_pte_install(aspace_t *as, uint64_t va, uint64_t phys, unsigned prot, bool owned);
/* Drops every page in [start, end): owned pages are freed; empty page tables too. */
void aspace_pages_clear(aspace_t *as, uint64_t start, uint64_t end);
/* Rewrites the rights of every held page in [start, end). */
void aspace_pages_protect(aspace_t *as, uint64_t start, uint64_t end, unsigned prot);
/* Flushes [start, end) from every TLB that may cache as: this CPU's, and by shootdown
 * (kernel/arch/tlb.c) those of the other CPUs that have it loaded; returns when all are
 * done, so the pages may be freed after it. */
void aspace_tlb_flush(const aspace_t *as, uint64_t start, uint64_t end);

#endif
