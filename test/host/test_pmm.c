/*
 * test_pmm.c - the physical allocator on a fake memory map over a malloc'ed arena: exact
 * counts, every page back, contiguous runs, hostile maps, double/wild frees, reclaim.
 */
#include "host_test.h"
#include "mm_fake.h"
#include "mm/pmm.c"

#define MiB (1ULL << 20)
#define R(start, npages, t) ((boot_mem_region_t){ .phys_start = (start), .pages = (npages), .type = (t) })

static uint8_t seen[FAKE_ARENA_SIZE / 4096];

static void pmm_reset(void)
{
    memset(&pmm, 0, sizeof pmm);
    memset(seen, 0, sizeof seen);
}

static boot_info_t *boot_with(const boot_mem_region_t *r, uint32_t n)
{
    pmm_reset();
    boot_info_t *bi = fake_boot(r, n, n);
    pmm_init(bi);
    return bi;
}

static int in_ranges(uint64_t p, const boot_mem_region_t *r, uint32_t n, uint32_t type)
{
    for (uint32_t i = 0; i < n; i++)
        if (r[i].type == type && p >= r[i].phys_start && p < r[i].phys_start + r[i].pages * 4096)
            return 1;
    return 0;
}

/* Allocates every page, checking each is new, aligned, and in a region of `type` (or BS). */
static size_t alloc_all(const boot_mem_region_t *r, uint32_t n, int *ok)
{
    size_t count = 0;
    uint64_t p;
    *ok = 1;
    while ((p = pmm_alloc()) != 0) {
        if ((p & 4095) || p >= FAKE_ARENA_SIZE || seen[p / 4096] ||
            !(in_ranges(p, r, n, BOOT_MEM_FREE) || in_ranges(p, r, n, BOOT_MEM_BOOT_SERVICES)))
            *ok = 0;
        if (p < FAKE_ARENA_SIZE)
            seen[p / 4096] = 1;
        memset(fake_phys(p), 0x5A, 4096); /* ASan: must be inside the arena */
        count++;
    }
    return count;
}

static void free_all(void)
{
    for (uint64_t i = 0; i < sizeof seen; i++)
        if (seen[i]) {
            pmm_free(i * 4096);
            seen[i] = 0;
        }
}

static const boot_mem_region_t simple_map[] = {
    R(0x0, 16, BOOT_MEM_LOADER),
    R(0x10000, 0x70, BOOT_MEM_FREE),         /* 448 KiB below 1 MiB */
    R(0x80000, 0x80, BOOT_MEM_RESERVED),
    R(0x100000, 0x300, BOOT_MEM_FREE),       /* 3 MiB */
    R(0x400000, 0x100, BOOT_MEM_BOOT_SERVICES),
    R(0x500000, 0x400, BOOT_MEM_FREE),       /* 4 MiB */
};
#define SIMPLE_N (sizeof simple_map / sizeof simple_map[0])
#define SIMPLE_FREE (0x70 + 0x300 + 0x400)

HOST_TEST(init_counts_exact_minus_bitmap)
{
    boot_with(simple_map, SIMPLE_N);
    /* bitmap: 0x900000 / 4096 = 2304 pfns -> 288 bytes -> one page */
    CHECK_EQ(pmm_total_pages(), SIMPLE_FREE - 1);
    CHECK_EQ(pmm_free_pages(), SIMPLE_FREE - 1);
    CHECK(strstr(fake_log, "mm: 7 MiB usable in 3 regions, 1 MiB reserved\n") != NULL);
}

HOST_TEST(alloc_all_free_all_every_page_back)
{
    boot_with(simple_map, SIMPLE_N);
    size_t total = pmm_total_pages();
    int ok;
    size_t got = alloc_all(simple_map, SIMPLE_N, &ok);
    CHECK(ok);
    CHECK_EQ(got, total);
    CHECK_EQ(pmm_free_pages(), 0);
    CHECK_EQ(pmm_alloc_contig(2), 0);
    free_all();
    CHECK_EQ(pmm_free_pages(), total);
    got = alloc_all(simple_map, SIMPLE_N, &ok);
    CHECK(ok);
    CHECK_EQ(got, total);
    free_all();
    CHECK_EQ(pmm_free_pages(), total);
}

HOST_TEST(low_memory_is_handed_out_last)
{
    boot_with(simple_map, SIMPLE_N);
    uint64_t p = pmm_alloc();
    CHECK(p >= 0x100000);
    uint64_t low = pmm_alloc_below(0x100000);
    CHECK(low >= 0x10000 && low < 0x80000);
    CHECK(pmm_page_is_allocated(low));
    pmm_free(low);
    pmm_free(p);
    CHECK_EQ(pmm_free_pages(), pmm_total_pages());
}

HOST_TEST(contig_runs_are_contiguous_and_reused)
{
    boot_with(simple_map, SIMPLE_N);
    size_t total = pmm_total_pages();
    uint64_t a = pmm_alloc_contig(64);
    CHECK(a != 0 && (a & 4095) == 0);
    CHECK(in_ranges(a, simple_map, SIMPLE_N, BOOT_MEM_FREE));
    CHECK(in_ranges(a + 63 * 4096, simple_map, SIMPLE_N, BOOT_MEM_FREE));
    for (int i = 0; i < 64; i++)
        CHECK(pmm_page_is_allocated(a + i * 4096ULL));
    memset(fake_phys(a), 1, 64 * 4096);
    CHECK_EQ(pmm_free_pages(), total - 64);
    uint64_t b = pmm_alloc_contig(64);
    CHECK(b != 0 && (b + 64 * 4096 <= a || a + 64 * 4096 <= b));
    pmm_free_contig(a, 64);
    uint64_t c = pmm_alloc_contig(64); /* the freed run is reused */
    CHECK_EQ(c, a);
    pmm_free_contig(c, 64);
    uint64_t d = pmm_alloc_contig(10); /* split off a freed run */
    CHECK(d >= a && d + 10 * 4096 <= a + 64 * 4096);
    pmm_free_contig(b, 64);
    pmm_free_contig(d, 10);
    CHECK_EQ(pmm_free_pages(), total);
    CHECK_EQ(pmm_alloc_contig(0x401), 0); /* bigger than any region */
    CHECK_EQ(pmm_free_pages(), total);
    /* Single pages drain runs too, and every page still comes back. */
    int ok;
    CHECK_EQ(alloc_all(simple_map, SIMPLE_N, &ok), total);
    CHECK(ok);
    free_all();
    CHECK_EQ(pmm_free_pages(), total);
}

HOST_TEST(double_and_wild_frees_panic)
{
    boot_with(simple_map, SIMPLE_N);
    size_t total = pmm_total_pages();
    uint64_t p = pmm_alloc();
    pmm_free(p);
    CHECK(MM_EXPECT_PANIC(pmm_free(p)));
    CHECK(strstr(fake_panic_msg, "not an allocated page") != NULL);
    CHECK(MM_EXPECT_PANIC(pmm_free(0x80000)));           /* reserved, never handed out */
    CHECK(MM_EXPECT_PANIC(pmm_free(0x100008)));          /* unaligned */
    CHECK(MM_EXPECT_PANIC(pmm_free(0x7FFFFFFFF000ULL))); /* far outside */
    CHECK(MM_EXPECT_PANIC(pmm_free(0)));
    uint64_t r = pmm_alloc_contig(4);
    CHECK(MM_EXPECT_PANIC(pmm_free_contig(r, 5)));       /* one page too many */
    pmm_free_contig(r, 4);
    CHECK(MM_EXPECT_PANIC(pmm_free_contig(r, 4)));
    CHECK_EQ(pmm_free_pages(), total);
}

HOST_TEST(hostile_map_entries_are_clipped_or_skipped)
{
    static const boot_mem_region_t hostile[] = {
        R(0x0, 0x20, BOOT_MEM_FREE),                     /* page 0 and the loader's pages */
        R(0x200000, 0x100, BOOT_MEM_FREE),               /* ok: 0x200000-0x300000 */
        R(0x280000, 0x100, BOOT_MEM_FREE),               /* overlaps the previous one */
        R(0x400000, 0, BOOT_MEM_FREE),                   /* zero size */
        R(0x500800, 0x10, BOOT_MEM_FREE),                /* unaligned start */
        R(0xFFFFFFFFFFFFF000ULL, 0x10, BOOT_MEM_FREE),   /* wraps around */
        R(0x600000, 0xFFFFFFFFFFFFFULL, BOOT_MEM_FREE),  /* size overflows */
        R(0x700000, 0x100, BOOT_MEM_FREE),               /* 0x700000-0x800000 ... */
        R(0x740000, 0x10, BOOT_MEM_RESERVED),            /* ... minus a reserved hole */
        R(0x7F0000, 0x40, BOOT_MEM_ACPI_NVS),            /* ... and a reserved tail */
        R(0xF00000, 0x400, BOOT_MEM_FREE),               /* runs past hhdm_size: clamped */
        R(0x5000000, 0x100, BOOT_MEM_FREE),              /* entirely beyond hhdm_size */
    };
    uint32_t n = sizeof hostile / sizeof hostile[0];
    pmm_reset();
    /* The count is hostile too: clamped to what the pmm reads at most (rest of the map is 0s). */
    boot_info_t *bi = fake_boot(hostile, n, 0xFFFFFFFFu);
    pmm_init(bi);
    /* 0x10000..0x20000 (page 0 and the map/info pages are loader data), 0x200000-0x380000,
     * 0x700000-0x740000, 0x750000-0x7F0000, 0xF00000-0x1000000; minus one bitmap page */
    size_t expect = 0x10 + 0x180 + 0x40 + 0xA0 + 0x100 - 1;
    CHECK_EQ(pmm_total_pages(), expect);
    int ok;
    size_t got = alloc_all(hostile, n, &ok);
    CHECK(ok);
    CHECK_EQ(got, expect);
    CHECK(!seen[0]);
    CHECK(!seen[FAKE_INFO_PHYS / 4096] && !seen[FAKE_MAP_PHYS / 4096]);
    for (uint64_t p = 0x740000; p < 0x750000; p += 4096)
        CHECK(!seen[p / 4096]);
    for (uint64_t p = 0x7F0000; p < 0x800000; p += 4096)
        CHECK(!seen[p / 4096]);
    free_all();
    CHECK_EQ(pmm_free_pages(), expect);
}

HOST_TEST(bitmap_chunks_far_apart_start_as_nothing_allocated)
{
    /* Two regions 128+ MiB apart use different lazily zeroed bitmap pages. */
    static const boot_mem_region_t far[] = {
        R(0x100000, 0x100, BOOT_MEM_FREE),
        R(200 * MiB, 0x100, BOOT_MEM_FREE),
    };
    pmm_reset();
    boot_info_t *bi = fake_boot(far, 2, 2);
    bi->hhdm_size = FAKE_ARENA_SIZE;
    memset(fake_phys(200 * MiB), 0xA5, 0x100000);
    pmm_init(bi);
    size_t total = pmm_total_pages();
    CHECK_EQ(total, 0x200 - 2); /* 51456 pfns -> 6432 bytes -> 2 bitmap pages */
    CHECK(!pmm_page_is_allocated(200 * MiB));
    int ok;
    CHECK_EQ(alloc_all(far, 2, &ok), total);
    CHECK(ok);
    CHECK(pmm_page_is_allocated(200 * MiB + 0x1000));
    pmm_free(200 * MiB + 0x1000);
    CHECK(MM_EXPECT_PANIC(pmm_free(200 * MiB + 0x1000)));
    seen[(200 * MiB + 0x1000) / 4096] = 0;
    free_all();
    CHECK_EQ(pmm_free_pages(), total);
}

HOST_TEST(unusable_map_pointer_panics)
{
    pmm_reset();
    boot_info_t *bi = fake_boot(simple_map, SIMPLE_N, SIMPLE_N);
    bi->mem_regions_phys = FAKE_HHDM_SIZE - 8; /* array would run off the direct map */
    CHECK(MM_EXPECT_PANIC(pmm_init(bi)));
    CHECK(strstr(fake_panic_msg, "not in the direct map") != NULL);
    pmm_reset();
    bi = fake_boot(simple_map, SIMPLE_N, SIMPLE_N);
    bi->mem_regions_phys = 0;
    CHECK(MM_EXPECT_PANIC(pmm_init(bi)));
}

HOST_TEST(reclaim_adds_boot_services_once)
{
    boot_info_t *bi = boot_with(simple_map, SIMPLE_N);
    size_t before = pmm_total_pages();
    uint64_t held = pmm_alloc();
    fake_log[0] = 0;
    pmm_reclaim_boot_services(bi);
    CHECK_EQ(pmm_total_pages(), before + 0x100);
    CHECK_EQ(pmm_free_pages(), before + 0x100 - 1);
    CHECK(strstr(fake_log, "mm: reclaimed 1024 KiB of boot-services memory\n") != NULL);
    CHECK(strstr(fake_log, "mm: 8 MiB usable in") != NULL);
    /* A second reclaim finds everything already accepted: nothing counted twice. */
    pmm_reclaim_boot_services(bi);
    CHECK_EQ(pmm_total_pages(), before + 0x100);
    pmm_free(held);
    int ok;
    memset(seen, 0, sizeof seen);
    CHECK_EQ(alloc_all(simple_map, SIMPLE_N, &ok), before + 0x100);
    CHECK(ok);
    free_all();
}

HOST_TEST(random_mix_keeps_counts_exact)
{
    boot_with(simple_map, SIMPLE_N);
    size_t total = pmm_total_pages();
    static struct { uint64_t p; size_t n; } live[4096];
    size_t nlive = 0, held = 0;
    srand(1234);
    for (int step = 0; step < 20000; step++) {
        int op = rand() % 4;
        if (op < 2 && nlive < 4096) {
            size_t n = (op == 0) ? 1 : 1 + rand() % 9;
            uint64_t p = n == 1 ? pmm_alloc() : pmm_alloc_contig(n);
            if (p) {
                for (size_t i = 0; i < n; i++) {
                    CHECK(!seen[p / 4096 + i]);
                    seen[p / 4096 + i] = 1;
                    *(uint64_t *)fake_phys(p + i * 4096) = p + i; /* owner tag */
                }
                live[nlive].p = p;
                live[nlive++].n = n;
                held += n;
            }
        } else if (nlive) {
            size_t k = rand() % nlive;
            for (size_t i = 0; i < live[k].n; i++) {
                CHECK_EQ(*(uint64_t *)fake_phys(live[k].p + i * 4096), live[k].p + i);
                seen[live[k].p / 4096 + i] = 0;
            }
            pmm_free_contig(live[k].p, live[k].n);
            held -= live[k].n;
            live[k] = live[--nlive];
        }
        CHECK_EQ(pmm_free_pages(), total - held);
    }
    while (nlive) {
        nlive--;
        pmm_free_contig(live[nlive].p, live[nlive].n);
    }
    CHECK_EQ(pmm_free_pages(), total);
}
