/*
 * memmap_convert.c - UEFI memory map -> boot_mem_region_t[], after ExitBootServices.
 *
 * Runs with no firmware and no output, so it is pure and bounded: it only writes to
 * out[0..cap). Firmware maps are not trusted to be sorted, aligned or disjoint: regions are
 * aligned (usable ones shrink, others grow), sorted by insertion, and where two overlap
 * the more restrictive type (higher boot_mem_type_t value) keeps the shared range.
 */
#include "efi/memmap_convert.h"

/* EFI_MEMORY_TYPE values (UEFI spec, table "Memory Type Usage before ExitBootServices"). */
enum {
    EFI_T_RESERVED = 0, EFI_T_LOADER_CODE = 1, EFI_T_LOADER_DATA = 2, EFI_T_BS_CODE = 3,
    EFI_T_BS_DATA = 4, EFI_T_RT_CODE = 5, EFI_T_RT_DATA = 6, EFI_T_CONVENTIONAL = 7,
    EFI_T_UNUSABLE = 8, EFI_T_ACPI_RECLAIM = 9, EFI_T_ACPI_NVS = 10,
};

#define PAGE 4096ULL
#define MAX_PAGES (1ULL << 40) /* 4 PiB: anything larger is a corrupt descriptor */

uint32_t memmap_boot_type(uint32_t efi_type)
{
    switch (efi_type) {
    case EFI_T_CONVENTIONAL: return BOOT_MEM_FREE;
    case EFI_T_BS_CODE:
    case EFI_T_BS_DATA: return BOOT_MEM_BOOT_SERVICES;
    case EFI_T_LOADER_CODE:
    case EFI_T_LOADER_DATA: return BOOT_MEM_LOADER;
    case EFI_T_ACPI_RECLAIM: return BOOT_MEM_ACPI_RECLAIM;
    case EFI_T_ACPI_NVS: return BOOT_MEM_ACPI_NVS;
    default: return BOOT_MEM_RESERVED;
    }
}

bool memmap_type_is_ram(uint32_t efi_type)
{
    switch (efi_type) {
    case EFI_T_CONVENTIONAL: case EFI_T_BS_CODE: case EFI_T_BS_DATA: case EFI_T_LOADER_CODE:
    case EFI_T_LOADER_DATA: case EFI_T_RT_CODE: case EFI_T_RT_DATA: case EFI_T_ACPI_RECLAIM:
    case EFI_T_ACPI_NVS:
        return true;
    default:
        return false;
    }
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint64_t region_end(const boot_mem_region_t *r) { return r->phys_start + r->pages * PAGE; }

/* Reads one descriptor into a page-aligned region; false when it is empty or corrupt. */
static bool desc_read(const uint8_t *d, boot_mem_region_t *r)
{
    uint32_t efi_type = (uint32_t)d[0] | ((uint32_t)d[1] << 8) | ((uint32_t)d[2] << 16) |
                        ((uint32_t)d[3] << 24);
    uint64_t start = rd64(d + 8), pages = rd64(d + 24);
    if (pages == 0 || pages > MAX_PAGES || start > UINT64_MAX - pages * PAGE)
        return false;
    uint64_t end = start + pages * PAGE;
    r->type = memmap_boot_type(efi_type);
    r->reserved = 0;
    if (r->type == BOOT_MEM_FREE || r->type == BOOT_MEM_BOOT_SERVICES) {
        start = (start + PAGE - 1) & ~(PAGE - 1); /* usable: shrink to whole pages */
        end &= ~(PAGE - 1);
    } else {
        start &= ~(PAGE - 1); /* in use: grow to cover every touched page */
        end = end > UINT64_MAX - (PAGE - 1) ? end & ~(PAGE - 1) : (end + PAGE - 1) & ~(PAGE - 1);
    }
    if (end <= start)
        return false;
    r->phys_start = start;
    r->pages = (end - start) / PAGE;
    return true;
}

/* Sorted insert; when full the highest region falls off. */
static uint32_t region_insert(boot_mem_region_t *out, uint32_t n, uint32_t cap,
                              const boot_mem_region_t *r)
{
    uint32_t pos = n;
    while (pos > 0 && out[pos - 1].phys_start > r->phys_start)
        pos--;
    if (pos >= cap)
        return n;
    uint32_t last = n < cap ? n : cap - 1;
    for (uint32_t i = last; i > pos; i--)
        out[i] = out[i - 1];
    out[pos] = *r;
    return n < cap ? n + 1 : n;
}

/* Trims overlaps (restrictive type wins) and merges touching same-type neighbours. */
static uint32_t regions_normalize(boot_mem_region_t *out, uint32_t n)
{
    uint32_t w = 0;
    for (uint32_t i = 0; i < n; i++) {
        boot_mem_region_t cur = out[i];
        while (w > 0 && cur.pages > 0) {
            boot_mem_region_t *prev = &out[w - 1];
            uint64_t prev_end = region_end(prev);
            if (cur.phys_start >= prev_end)
                break;
            if (prev->type >= cur.type) { /* prev keeps the overlap: cut cur's head */
                uint64_t end = region_end(&cur);
                cur.phys_start = prev_end < end ? prev_end : end;
                cur.pages = (end - cur.phys_start) / PAGE;
            } else { /* cur keeps it: cut prev's tail (a tail beyond cur is dropped) */
                prev->pages = (cur.phys_start - prev->phys_start) / PAGE;
                if (prev->pages == 0)
                    w--;
                else
                    break;
            }
        }
        if (cur.pages == 0)
            continue;
        if (w > 0 && out[w - 1].type == cur.type && region_end(&out[w - 1]) == cur.phys_start)
            out[w - 1].pages += cur.pages;
        else
            out[w++] = cur;
    }
    return w;
}

uint32_t memmap_convert(const void *map, uint64_t map_size, uint64_t desc_size,
                        boot_mem_region_t *out, uint32_t cap)
{
    if (!map || !out || cap == 0 || desc_size < MEMMAP_DESC_MIN)
        return 0;
    const uint8_t *p = map;
    uint64_t count = map_size / desc_size;
    uint32_t n = 0;
    for (uint64_t i = 0; i < count; i++) {
        boot_mem_region_t r;
        if (desc_read(p + i * desc_size, &r))
            n = region_insert(out, n, cap, &r);
    }
    return regions_normalize(out, n);
}
