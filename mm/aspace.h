/*
 * aspace.h - per-process address spaces. The lower half (user) belongs to the process and
 * is mapped with 4 KiB pages only; the upper half is the kernel's, shared by copying the
 * kernel PML4's upper 256 entries (supervisor-only, so user mode cannot touch them).
 *
 * Invariant: every user page and every table page reachable from the lower 256 PML4 entries
 * was allocated by this file and is freed by aspace_destroy(); nothing else maps there.
 */
#ifndef MM_ASPACE_H
#define MM_ASPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ASPACE_USER_END 0x0000800000000000ULL /* first address above the user half */

#define ASPACE_WRITE (1u << 0)
#define ASPACE_EXEC  (1u << 1)

typedef struct {
    uint64_t pml4_phys;
    size_t user_pages;   /* data pages mapped in the lower half */
    size_t table_pages;  /* page-table pages below the PML4 */
} aspace_t;

/* A new, empty address space; NULL when memory is short. */
aspace_t *aspace_create(void);
/* Frees every user page, every table page and the PML4. Must not be the active one. */
void aspace_destroy(aspace_t *as);

/* Maps a fresh zeroed page at va (page aligned, user half). If va is already mapped its
 * permissions are widened by flags (two segments sharing a page). False when out of memory. */
bool aspace_map_zeroed(aspace_t *as, uint64_t va, unsigned flags);
/* Physical address of the page holding va, or 0 when unmapped. */
uint64_t aspace_translate(const aspace_t *as, uint64_t va);
/* Copies into the space's pages through the direct map (no CR3 switch, no SMAP window).
 * False when any byte of the range is unmapped. */
bool aspace_write(const aspace_t *as, uint64_t va, const void *src, size_t n);

/* Loads as into CR3 (NULL: the kernel's own tables). */
void aspace_activate(const aspace_t *as);

#endif
