/*
 * pmm.h - physical page allocator.
 * Single pages: O(1) alloc and free. Contiguous runs for the few callers that need them.
 * Initialisation costs O(number of memory-map regions), not O(RAM).
 */
#ifndef MM_PMM_H
#define MM_PMM_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <spindle/boot.h>

/* Takes BOOT_MEM_FREE regions. Boot-services memory comes later via pmm_reclaim_boot_services. */
void pmm_init(const boot_info_t *bi);
/* Adds BOOT_MEM_BOOT_SERVICES regions; call once nothing firmware-owned is used any more. */
void pmm_reclaim_boot_services(const boot_info_t *bi);

/* Returns the physical address of a 4 KiB page (contents undefined), or 0 when none is left. */
uint64_t pmm_alloc(void);
void pmm_free(uint64_t phys);
/* count physically contiguous pages, aligned to 4 KiB; 0 when no run is available. */
uint64_t pmm_alloc_contig(size_t count);
void pmm_free_contig(uint64_t phys, size_t count);

/* A never-used page below `limit` (e.g. 1 MiB for a real-mode trampoline), or 0. */
uint64_t pmm_alloc_below(uint64_t limit);
/* True while phys is a page handed out by pmm_alloc*, i.e. freeing it would be legal. */
bool pmm_page_is_allocated(uint64_t phys);
/* True when phys is a managed page not handed out now (slow: for error reports only). */
bool pmm_page_is_free(uint64_t phys);

size_t pmm_free_pages(void);
size_t pmm_total_pages(void);

#endif
