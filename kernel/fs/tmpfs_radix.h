/*
 * tmpfs_radix.h - the page index of a tmpfs file: a radix tree of physical page addresses
 * (512 slots per node, one node per page), so a sparse file costs index pages only along
 * the paths to the pages it really has: one byte at offset 2^36 takes three node pages,
 * not an index of 8 bytes for every page of offset before it.
 *
 * Invariants: height h >= 1 means root is a node whose subtree holds indexes below 512^h;
 * height 0 means root is the data page of index 0 itself (or 0). A slot holds 0 (a hole or
 * an empty subtree) or a physical page. Node pages come from the caller's allocator and go
 * back through its release function, so the file system charges them to its limit like
 * data pages. The caller serialises every call (tmpfs: vfs_lock).
 */
#ifndef KERNEL_FS_TMPFS_RADIX_H
#define KERNEL_FS_TMPFS_RADIX_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    uint64_t root;
    unsigned height;
} tmpfs_radix_t;

/* A zeroed page (physical address), or 0 when none may be had. */
typedef uint64_t (*tmpfs_radix_alloc_t)(void);
typedef void (*tmpfs_radix_release_t)(uint64_t phys);

/* The page at index, or 0 for a hole. */
uint64_t tmpfs_radix_get(const tmpfs_radix_t *r, uint64_t index);
/* The slot of index, with every node on the way allocated; NULL when a node could not be
 * had (nodes already added stay, empty, until the next tmpfs_radix_free_from). */
uint64_t *tmpfs_radix_slot(tmpfs_radix_t *r, uint64_t index, tmpfs_radix_alloc_t alloc);
/* Releases every data page at index >= first and every node left empty, then lowers the
 * tree while its root has only slot 0 in use. first 0 empties the tree. */
void tmpfs_radix_free_from(tmpfs_radix_t *r, uint64_t first, tmpfs_radix_release_t release);

#endif
