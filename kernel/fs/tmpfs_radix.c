/*
 * tmpfs_radix.c - the radix tree behind a tmpfs file's pages (see tmpfs_radix.h). Nodes are
 * whole pages reached through the direct map; every level resolves 9 bits of the index.
 */
#include "kernel/fs/tmpfs_radix.h"
#include <stddef.h>
#include "kernel/panic.h"
#include "mm/hhdm.h"

#define RADIX_BITS  9
#define RADIX_SLOTS (1u << RADIX_BITS)
#define RADIX_MAX_HEIGHT 7 /* 63 bits of index: more than any file offset needs */

static uint64_t *radix_node(uint64_t phys)
{
    return phys_to_virt(phys);
}

/* Indexes below this fit a tree of height h. */
static uint64_t radix_capacity(unsigned h)
{
    return h >= RADIX_MAX_HEIGHT ? UINT64_MAX : 1ULL << (RADIX_BITS * h);
}

static unsigned radix_slot_at(uint64_t index, unsigned level)
{
    return (unsigned)(index >> (RADIX_BITS * (level - 1))) & (RADIX_SLOTS - 1);
}

uint64_t tmpfs_radix_get(const tmpfs_radix_t *r, uint64_t index)
{
    if (index >= radix_capacity(r->height))
        return 0;
    uint64_t cur = r->root;
    for (unsigned level = r->height; level >= 1 && cur; level--)
        cur = radix_node(cur)[radix_slot_at(index, level)];
    return cur;
}

/* Adds levels on top until index fits; false when a node could not be had. */
static bool radix_grow(tmpfs_radix_t *r, uint64_t index, tmpfs_radix_alloc_t alloc)
{
    while (index >= radix_capacity(r->height)) {
        if (r->root) { /* the old tree becomes slot 0 of a new root */
            uint64_t node = alloc();
            if (!node)
                return false;
            radix_node(node)[0] = r->root;
            r->root = node;
        }
        r->height++;
    }
    return true;
}

uint64_t *tmpfs_radix_slot(tmpfs_radix_t *r, uint64_t index, tmpfs_radix_alloc_t alloc)
{
    if (!radix_grow(r, index, alloc))
        return NULL;
    uint64_t *slot = &r->root;
    for (unsigned level = r->height; level >= 1; level--) {
        if (!*slot && !(*slot = alloc()))
            return NULL;
        slot = &radix_node(*slot)[radix_slot_at(index, level)];
    }
    return slot;
}

/* Frees what lies at or past first in the subtree at phys (its first index base); true
 * when the whole subtree went, phys included. level 0: phys is a data page. */
static bool radix_free_subtree(uint64_t phys, unsigned level, uint64_t base, uint64_t first,
                               tmpfs_radix_release_t release)
{
    if (level == 0) {
        if (base < first)
            return false;
        release(phys);
        return true;
    }
    uint64_t *node = radix_node(phys);
    uint64_t span = radix_capacity(level - 1);
    bool empty = true;
    for (unsigned i = 0; i < RADIX_SLOTS; i++) {
        if (!node[i])
            continue;
        uint64_t child = base + i * span;
        if (child + span > first && radix_free_subtree(node[i], level - 1, child, first, release))
            node[i] = 0;
        else
            empty = false;
    }
    if (empty)
        release(phys);
    return empty;
}

/* Lowers the tree while only slot 0 of its root is used. */
static void radix_shrink(tmpfs_radix_t *r, tmpfs_radix_release_t release)
{
    while (r->height >= 1 && r->root) {
        uint64_t *node = radix_node(r->root);
        for (unsigned i = 1; i < RADIX_SLOTS; i++)
            if (node[i])
                return;
        uint64_t old = r->root;
        r->root = node[0];
        r->height--;
        release(old);
    }
    if (!r->root)
        r->height = 0;
}

void tmpfs_radix_free_from(tmpfs_radix_t *r, uint64_t first, tmpfs_radix_release_t release)
{
    if (r->root && radix_free_subtree(r->root, r->height, 0, first, release))
        r->root = 0;
    radix_shrink(r, release);
    ASSERT(first > 0 || (r->root == 0 && r->height == 0));
}
