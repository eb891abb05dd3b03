/*
 * memmap_convert.h - turns the raw UEFI memory map into boot_mem_region_t entries.
 *
 * Pure code without efi.h: it runs after ExitBootServices (no firmware left) and in host
 * tests. The UEFI descriptor is read at its spec-defined offsets with the firmware's
 * descriptor stride, never sizeof(EFI_MEMORY_DESCRIPTOR).
 */
#ifndef SPINDLE_EFI_MEMMAP_CONVERT_H
#define SPINDLE_EFI_MEMMAP_CONVERT_H

#include <stdbool.h>
#include <stdint.h>
#include <spindle/boot.h>

#define MEMMAP_DESC_MIN 40u /* Type, pad, PhysicalStart, VirtualStart, NumberOfPages, Attribute */

/* boot_mem_type_t for a UEFI EFI_MEMORY_TYPE value. */
uint32_t memmap_boot_type(uint32_t efi_type);

/* True for memory that is RAM (sized into the direct map), whatever its current owner. */
bool memmap_type_is_ram(uint32_t efi_type);

/*
 * Converts map_size bytes of descriptors (stride desc_size) into out[0..cap): page-aligned,
 * sorted by phys_start, overlaps trimmed, adjacent same-type regions merged. Returns the
 * number of regions written; entries beyond cap are dropped (highest addresses first).
 */
uint32_t memmap_convert(const void *map, uint64_t map_size, uint64_t desc_size,
                        boot_mem_region_t *out, uint32_t cap);

#endif
