/*
 * test_loader_memmap.c - host tests of the loader's UEFI memory map conversion, which runs
 * after ExitBootServices where nothing can be printed: type mapping, sorting, merging,
 * descriptor stride larger than the spec struct, alignment, overlaps and capacity limits.
 */
#include <stdint.h>
#include <string.h>
#include "host_test.h"
#include "efi/memmap_convert.c"

#define STRIDE 48 /* OVMF uses 48-byte descriptors: never sizeof(EFI_MEMORY_DESCRIPTOR) */

typedef struct {
    uint8_t b[STRIDE * 32];
    unsigned n;
} test_map_t;

static void desc_add(test_map_t *m, uint32_t type, uint64_t start, uint64_t pages)
{
    uint8_t *d = m->b + STRIDE * m->n++;
    memset(d, 0xA5, STRIDE); /* padding and VirtualStart/Attribute must be ignored */
    for (int i = 0; i < 4; i++)
        d[i] = (uint8_t)(type >> (8 * i));
    for (int i = 0; i < 8; i++) {
        d[8 + i] = (uint8_t)(start >> (8 * i));
        d[24 + i] = (uint8_t)(pages >> (8 * i));
    }
}

static uint32_t convert(const test_map_t *m, boot_mem_region_t *out, uint32_t cap)
{
    return memmap_convert(m->b, (uint64_t)m->n * STRIDE, STRIDE, out, cap);
}

HOST_TEST(types_map_to_boot_types)
{
    CHECK_EQ(memmap_boot_type(7), BOOT_MEM_FREE);
    CHECK_EQ(memmap_boot_type(3), BOOT_MEM_BOOT_SERVICES);
    CHECK_EQ(memmap_boot_type(4), BOOT_MEM_BOOT_SERVICES);
    CHECK_EQ(memmap_boot_type(1), BOOT_MEM_LOADER);
    CHECK_EQ(memmap_boot_type(2), BOOT_MEM_LOADER);
    CHECK_EQ(memmap_boot_type(9), BOOT_MEM_ACPI_RECLAIM);
    CHECK_EQ(memmap_boot_type(10), BOOT_MEM_ACPI_NVS);
    CHECK_EQ(memmap_boot_type(5), BOOT_MEM_RESERVED); /* runtime code */
    CHECK_EQ(memmap_boot_type(6), BOOT_MEM_RESERVED);
    CHECK_EQ(memmap_boot_type(11), BOOT_MEM_RESERVED); /* MMIO */
    CHECK_EQ(memmap_boot_type(0x80000000u), BOOT_MEM_RESERVED); /* OEM range */
    CHECK(memmap_type_is_ram(6) && memmap_type_is_ram(10) && !memmap_type_is_ram(11));
}

HOST_TEST(unsorted_map_is_sorted_and_merged)
{
    test_map_t m = { .n = 0 };
    desc_add(&m, 7, 0x200000, 16);  /* free 2M..2M+64K */
    desc_add(&m, 7, 0x0, 16);       /* free 0..64K */
    desc_add(&m, 7, 0x10000, 16);   /* free, touches the previous: merged */
    desc_add(&m, 2, 0x210000, 4);   /* loader data after free: not merged */
    desc_add(&m, 1, 0x214000, 4);   /* loader code touching loader data: merged */
    boot_mem_region_t out[8];
    uint32_t n = convert(&m, out, 8);
    CHECK_EQ(n, 3);
    CHECK_EQ(out[0].phys_start, 0);
    CHECK_EQ(out[0].pages, 32);
    CHECK_EQ(out[0].type, BOOT_MEM_FREE);
    CHECK_EQ(out[1].phys_start, 0x200000);
    CHECK_EQ(out[2].phys_start, 0x210000);
    CHECK_EQ(out[2].pages, 8);
    CHECK_EQ(out[2].type, BOOT_MEM_LOADER);
}

HOST_TEST(gap_prevents_merge)
{
    test_map_t m = { .n = 0 };
    desc_add(&m, 7, 0x0, 1);
    desc_add(&m, 7, 0x2000, 1);
    boot_mem_region_t out[4];
    CHECK_EQ(convert(&m, out, 4), 2);
}

HOST_TEST(empty_and_corrupt_descriptors_are_dropped)
{
    test_map_t m = { .n = 0 };
    desc_add(&m, 7, 0x1000, 0);                   /* zero pages */
    desc_add(&m, 7, 0xFFFFFFFFFFFFF000ULL, 2);    /* wraps */
    desc_add(&m, 7, 0x1000, 1ULL << 50);          /* absurd size */
    desc_add(&m, 7, 0x5000, 1);
    boot_mem_region_t out[4];
    CHECK_EQ(convert(&m, out, 4), 1);
    CHECK_EQ(out[0].phys_start, 0x5000);
}

HOST_TEST(misaligned_free_shrinks_and_reserved_grows)
{
    test_map_t m = { .n = 0 };
    desc_add(&m, 7, 0x10800, 2);  /* free 0x10800..0x12800 -> 0x11000..0x12000 */
    desc_add(&m, 0, 0x20800, 1);  /* reserved 0x20800..0x21800 -> 0x20000..0x22000 */
    boot_mem_region_t out[4];
    CHECK_EQ(convert(&m, out, 4), 2);
    CHECK_EQ(out[0].phys_start, 0x11000);
    CHECK_EQ(out[0].pages, 1);
    CHECK_EQ(out[1].phys_start, 0x20000);
    CHECK_EQ(out[1].pages, 2);
}

HOST_TEST(overlap_goes_to_the_more_restrictive_type)
{
    test_map_t m = { .n = 0 };
    desc_add(&m, 7, 0x0, 16);      /* free 0..0x10000 */
    desc_add(&m, 0, 0x8000, 16);   /* reserved 0x8000..0x18000 overlaps the free tail */
    desc_add(&m, 7, 0x10000, 16);  /* free 0x10000..0x20000, its head is reserved above */
    boot_mem_region_t out[4];
    uint32_t n = convert(&m, out, 4);
    CHECK_EQ(n, 3);
    CHECK_EQ(out[0].type, BOOT_MEM_FREE);
    CHECK_EQ(out[0].pages, 8);
    CHECK_EQ(out[1].type, BOOT_MEM_RESERVED);
    CHECK_EQ(out[1].phys_start, 0x8000);
    CHECK_EQ(out[1].pages, 16);
    CHECK_EQ(out[2].type, BOOT_MEM_FREE);
    CHECK_EQ(out[2].phys_start, 0x18000);
    CHECK_EQ(out[2].pages, 8);
}

HOST_TEST(capacity_is_never_exceeded)
{
    test_map_t m = { .n = 0 };
    for (int i = 5; i >= 0; i--)
        desc_add(&m, (i & 1) ? 7 : 0, (uint64_t)i * 0x2000, 1); /* gaps: nothing merges */
    boot_mem_region_t out[4];
    memset(out, 0, sizeof(out));
    uint32_t n = convert(&m, out, 3);
    CHECK_EQ(n, 3);
    CHECK_EQ(out[0].phys_start, 0);
    CHECK_EQ(out[2].phys_start, 0x4000);
    CHECK_EQ(out[3].pages, 0); /* untouched */
}

HOST_TEST(bad_arguments_give_no_regions)
{
    test_map_t m = { .n = 0 };
    desc_add(&m, 7, 0, 1);
    boot_mem_region_t out[2];
    CHECK_EQ(memmap_convert(NULL, STRIDE, STRIDE, out, 2), 0);
    CHECK_EQ(memmap_convert(m.b, STRIDE, 16, out, 2), 0); /* stride below the spec struct */
    CHECK_EQ(memmap_convert(m.b, STRIDE, STRIDE, out, 0), 0);
    CHECK_EQ(memmap_convert(m.b, STRIDE - 1, STRIDE, out, 2), 0); /* partial descriptor */
}
