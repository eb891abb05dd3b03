/*
 * vma.h - the regions (VMAs) of a user address space, kept in an AVL tree ordered by start
 * address. Regions never overlap, are page aligned and non-empty; every lookup, insert and
 * removal is O(log n). The tree only orders and finds: it allocates nothing, so callers
 * (mm/aspace_map.c) own the nodes and decide what a region means.
 */
#ifndef MM_VMA_H
#define MM_VMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Access rights of a region (PROT_* values of abi.h, kept equal on purpose). */
#define VMA_READ  0x1u
#define VMA_WRITE 0x2u
#define VMA_EXEC  0x4u
#define VMA_PROT_MASK 0x7u

/* What backs a region's pages. */
typedef enum {
    VMA_ANON = 1,  /* private, zero-filled on first touch (also program segments, stack) */
    VMA_SHARED,    /* pages of a refcounted shm_t, shared with every mapping of it */
    VMA_DEVICE,    /* fixed physical range (the framebuffer); never allocated or freed */
    VMA_FILE,      /* private copy of a file's pages, read on first touch */
    VMA_GUARD,     /* reserved, never mapped: a touch is always a fault (stack guard) */
} vma_kind_t;

/* Flags of a region. */
#define VMA_F_ALLOW_WX (1u << 0) /* mapped with MAP_WX: may be writable and executable */
#define VMA_F_STACK    (1u << 1) /* the main thread's stack (for reports) */
#define VMA_F_IMAGE    (1u << 2) /* a program segment loaded by exec */

struct shm;

typedef struct vma {
    uint64_t start, end;     /* [start, end), page aligned, start < end */
    unsigned prot;           /* VMA_READ | VMA_WRITE | VMA_EXEC */
    unsigned flags;          /* VMA_F_* */
    vma_kind_t kind;
    uint64_t pgoff;          /* page index into the object / file / device at start */
    struct shm *shm;         /* VMA_SHARED: holds one reference */
    void *file;              /* VMA_FILE: the open file (holds a reference) */
    uint64_t dev_phys;       /* VMA_DEVICE: physical address of page 0 of the device */
    struct vma *left, *right;
    int height;
} vma_t;

typedef struct {
    vma_t *root;
    size_t count;
} vma_tree_t;

/* The region containing addr, or NULL. */
vma_t *vma_find(const vma_tree_t *t, uint64_t addr);
/* The lowest region whose end is above addr (it may contain addr), or NULL. Walking
 * v = vma_next_after(t, v->end) visits the regions in address order. */
vma_t *vma_next_after(const vma_tree_t *t, uint64_t addr);
/* Adds v (left/right/height are set here). v must not overlap any region. */
void vma_insert(vma_tree_t *t, vma_t *v);
/* Removes v, which must be in the tree. */
void vma_remove(vma_tree_t *t, vma_t *v);
/* True when [start, end) overlaps no region. */
bool vma_range_free(const vma_tree_t *t, uint64_t start, uint64_t end);
/* Checks every invariant (order, no overlap, alignment, AVL balance, count): tests. */
bool vma_tree_check(const vma_tree_t *t);

#endif
