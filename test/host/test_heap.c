/*
 * test_heap.c - kmalloc/kfree over the real pmm on fake memory: alignment, contents under a
 * random workload, exact byte and page accounting, double and foreign frees panic naming the
 * caller.
 */
#include "host_test.h"
#include "mm_fake.h"
#include "mm/pmm.c"
#include "mm/vmm.h"
/* No kernel address space on the host: the mapped-large-block fallback always finds no room,
 * so every large block here comes from a contiguous run (as before the fallback existed). */
bool vmm_map_page(uint64_t virt, uint64_t phys, unsigned flags)
{
    (void)virt; (void)phys; (void)flags;
    return false;
}
void vmm_unmap_free(uint64_t start, size_t pages) { (void)start; (void)pages; }
uint64_t vmm_translate(uint64_t virt) { (void)virt; return 0; }
#include "mm/heap.c"

#define R(start, npages, t) ((boot_mem_region_t){ .phys_start = (start), .pages = (npages), .type = (t) })

static const boot_mem_region_t heap_map[] = {
    R(0x0, 0x100, BOOT_MEM_LOADER),
    R(0x100000, 0xF00, BOOT_MEM_FREE), /* 15 MiB */
};

static void heap_fresh(void)
{
    memset(&pmm, 0, sizeof pmm);
    memset(&heap, 0, sizeof heap);
    pmm_init(fake_boot(heap_map, 2, 2));
    heap_init();
}

HOST_TEST(sizes_alignment_and_accounting)
{
    heap_fresh();
    size_t pages = pmm_free_pages();
    CHECK(kmalloc(0) == NULL);
    CHECK(kmalloc((size_t)-1) == NULL);
    static const size_t sizes[] = { 1, 15, 16, 17, 100, 512, 513, 1008, 1009, 2016, 2017,
                                    4080, 4081, 10000, 65536 };
    void *p[sizeof sizes / sizeof sizes[0]];
    size_t want = 0;
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        p[i] = kmalloc(sizes[i]);
        CHECK(p[i] != NULL);
        CHECK(((uintptr_t)p[i] & 15) == 0);
        memset(p[i], 0xC3, sizes[i]); /* ASan: the whole request is inside the arena */
        int c = heap_class_for(sizes[i]);
        want += c >= 0 ? heap_class_size[c] : ((sizes[i] + 15) & ~(size_t)15);
    }
    CHECK_EQ(heap_bytes_in_use(), want);
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        kfree(p[i]);
    CHECK_EQ(heap_bytes_in_use(), 0);
    heap_trim();
    CHECK_EQ(pmm_free_pages(), pages);
    kfree(NULL);
}

HOST_TEST(kzalloc_zeroes_recycled_memory)
{
    heap_fresh();
    uint8_t *a = kmalloc(200);
    memset(a, 0xFF, 200);
    kfree(a);
    uint8_t *b = kzalloc(200);
    CHECK(b == a);
    for (int i = 0; i < 200; i++)
        CHECK_EQ(b[i], 0);
    uint8_t *big = kzalloc(9000);
    for (int i = 0; i < 9000; i++)
        CHECK_EQ(big[i], 0);
    kfree(b);
    kfree(big);
}

HOST_TEST(random_workload_keeps_contents_and_counts)
{
    heap_fresh();
    size_t pages = pmm_free_pages();
    enum { SLOTS = 600 };
    static uint8_t *ptr[SLOTS];
    static size_t len[SLOTS];
    memset(ptr, 0, sizeof ptr);
    srand(99);
    for (int step = 0; step < 30000; step++) {
        int k = rand() % SLOTS;
        if (ptr[k]) {
            for (size_t b = 0; b < len[k]; b++)
                CHECK_EQ(ptr[k][b], (uint8_t)(k * 31 + b));
            kfree(ptr[k]);
            ptr[k] = NULL;
        } else {
            len[k] = (rand() % 8 == 0) ? 1 + rand() % 12000 : 1 + rand() % 2100;
            ptr[k] = kmalloc(len[k]);
            CHECK(ptr[k] != NULL);
            CHECK(((uintptr_t)ptr[k] & 15) == 0);
            for (size_t b = 0; b < len[k]; b++)
                ptr[k][b] = (uint8_t)(k * 31 + b);
        }
    }
    for (int k = 0; k < SLOTS; k++)
        kfree(ptr[k]);
    CHECK_EQ(heap_bytes_in_use(), 0);
    heap_trim();
    CHECK_EQ(pmm_free_pages(), pages);
}

HOST_TEST(empty_slabs_go_back_except_one_cached)
{
    heap_fresh();
    size_t pages = pmm_free_pages();
    static void *p[1000];
    for (int i = 0; i < 1000; i++)
        p[i] = kmalloc(64); /* 63 per slab: 16 slabs */
    CHECK_EQ(pmm_free_pages(), pages - 16);
    for (int i = 0; i < 1000; i++)
        kfree(p[i]);
    CHECK_EQ(pmm_free_pages(), pages - 1);
    heap_trim();
    CHECK_EQ(pmm_free_pages(), pages);
}

HOST_TEST(double_free_panics_naming_the_caller)
{
    heap_fresh();
    void *a = kmalloc(40);
    void *keep = kmalloc(40); /* keeps the slab alive */
    kfree(a);
    CHECK(MM_EXPECT_PANIC(kfree(a)));
    char want[128];
    snprintf(want, sizeof want, "heap: double free of %p from host_caller", a);
    CHECK(strcmp(fake_panic_msg, want) == 0);
    size_t bytes = heap_bytes_in_use();
    void *big = kmalloc(5000);
    kfree(big);
    CHECK(MM_EXPECT_PANIC(kfree(big)));
    CHECK(strstr(fake_panic_msg, "heap: double free of") != NULL);
    void *c = kmalloc(40);
    kfree(c);
    kfree(keep); /* slab now empty and cached: a late double free is still caught */
    CHECK(MM_EXPECT_PANIC(kfree(keep)));
    CHECK(strstr(fake_panic_msg, "heap: double free of") != NULL);
    CHECK_EQ(bytes, 64);
    CHECK_EQ(heap_bytes_in_use(), 0);
}

HOST_TEST(foreign_pointers_panic)
{
    heap_fresh();
    uint8_t *a = kmalloc(100);
    int local;
    CHECK(MM_EXPECT_PANIC(kfree(&local)));
    CHECK(strstr(fake_panic_msg, "never handed out") != NULL);
    CHECK(MM_EXPECT_PANIC(kfree(a + 16)));  /* inside an object */
    CHECK(MM_EXPECT_PANIC(kfree(a + 1)));   /* misaligned */
    uint64_t page = pmm_alloc();              /* a pmm page that is not the heap's */
    memset(fake_phys(page), 0, 4096);
    CHECK(MM_EXPECT_PANIC(kfree(fake_phys(page + 64))));
    CHECK(strstr(fake_panic_msg, "never handed out") != NULL);
    uint8_t *big = kmalloc(8000);
    CHECK(MM_EXPECT_PANIC(kfree(big + 4096)));
    kfree(big);
    kfree(a);
    pmm_free(page);
    CHECK_EQ(heap_bytes_in_use(), 0);
}

HOST_TEST(out_of_memory_returns_null_and_recovers)
{
    heap_fresh();
    size_t pages = pmm_free_pages();
    static void *p[8192];
    int n = 0;
    while (n < 8192 && (p[n] = kmalloc(3000)) != NULL)
        n++;
    CHECK_EQ(n, (int)pages);
    CHECK(kmalloc(16) == NULL);
    for (int i = 0; i < n; i++)
        kfree(p[i]);
    CHECK_EQ(heap_bytes_in_use(), 0);
    CHECK_EQ(pmm_free_pages(), pages);
    CHECK(kmalloc(16) != NULL);
}
