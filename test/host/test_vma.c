/*
 * test_vma.c - the region tree against a brute-force reference: random inserts and removals
 * keep the AVL invariants, every lookup agrees with a linear scan, in-order walking visits
 * regions sorted, and a removed node can be reinserted (nodes are relinked, not copied).
 */
#include <stdarg.h>
#include <string.h>
#include "host_test.h"

#include "mm/vma.c"

void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    abort();
}

#define SLOTS 512
#define PG 4096ULL

/* Slot i may hold a region inside [i * 16 pages, (i + 1) * 16 pages). */
static vma_t nodes[SLOTS];
static bool used[SLOTS];

static uint64_t rng_state = 12345;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static vma_t *ref_find(uint64_t addr)
{
    for (int i = 0; i < SLOTS; i++)
        if (used[i] && addr >= nodes[i].start && addr < nodes[i].end)
            return &nodes[i];
    return NULL;
}

static vma_t *ref_next_after(uint64_t addr)
{
    vma_t *best = NULL;
    for (int i = 0; i < SLOTS; i++)
        if (used[i] && nodes[i].end > addr && (!best || nodes[i].start < best->start))
            best = &nodes[i];
    return best;
}

HOST_TEST(random_inserts_and_removals_agree_with_linear_scan)
{
    vma_tree_t t = { 0 };
    memset(used, 0, sizeof used);
    for (int step = 0; step < 20000; step++) {
        int i = (int)(rng() % SLOTS);
        if (used[i]) {
            vma_remove(&t, &nodes[i]);
            used[i] = false;
        } else {
            uint64_t base = (uint64_t)i * 16 * PG + 0x10000;
            uint64_t off = rng() % 8, len = 1 + rng() % 8;
            nodes[i].start = base + off * PG;
            nodes[i].end = nodes[i].start + len * PG;
            vma_insert(&t, &nodes[i]);
            used[i] = true;
        }
        if (step % 97 == 0)
            CHECK(vma_tree_check(&t));
        uint64_t probe = 0x10000 + rng() % (SLOTS * 16 * PG + PG);
        CHECK(vma_find(&t, probe) == ref_find(probe));
        CHECK(vma_next_after(&t, probe) == ref_next_after(probe));
        uint64_t a = probe & ~(PG - 1), b = a + (1 + rng() % 20) * PG;
        vma_t *n = ref_next_after(a);
        CHECK(vma_range_free(&t, a, b) == (!n || n->start >= b));
    }
    CHECK(vma_tree_check(&t));
}

HOST_TEST(walk_visits_regions_in_order_and_height_stays_logarithmic)
{
    vma_tree_t t = { 0 };
    memset(used, 0, sizeof used);
    for (int i = 0; i < SLOTS; i++) { /* ascending inserts: the worst case for a plain BST */
        nodes[i].start = (uint64_t)(i + 1) * 2 * PG;
        nodes[i].end = nodes[i].start + PG;
        vma_insert(&t, &nodes[i]);
    }
    CHECK(vma_tree_check(&t));
    CHECK(t.root->height <= 11); /* 1.44 * log2(512) + 1 */
    size_t n = 0;
    uint64_t last = 0;
    for (vma_t *v = vma_next_after(&t, 0); v; v = vma_next_after(&t, v->end)) {
        CHECK(v->start > last);
        last = v->start;
        n++;
    }
    CHECK_EQ(n, SLOTS);
    for (int i = 0; i < SLOTS; i += 2)
        vma_remove(&t, &nodes[i]);
    CHECK(vma_tree_check(&t));
    CHECK_EQ(t.count, SLOTS / 2);
    CHECK(vma_find(&t, nodes[0].start) == NULL);
    CHECK(vma_find(&t, nodes[1].start + 5) == &nodes[1]);
    vma_insert(&t, &nodes[0]); /* a removed node is reusable as is */
    CHECK(vma_find(&t, nodes[0].start) == &nodes[0]);
    CHECK(vma_tree_check(&t));
}

HOST_TEST(check_rejects_overlap_and_misalignment)
{
    vma_t a = { .start = 0x1000, .end = 0x3000, .height = 1 };
    vma_t b = { .start = 0x2000, .end = 0x4000, .height = 2, .left = &a };
    vma_tree_t t = { .root = &b, .count = 2 };
    CHECK(!vma_tree_check(&t));
    a.end = 0x2000;
    CHECK(vma_tree_check(&t));
    a.end = 0x1800;
    CHECK(!vma_tree_check(&t));
}
