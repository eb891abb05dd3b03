/*
 * aspace.h - per-process address spaces. The lower half (user) belongs to the process and
 * is mapped with 4 KiB pages only; the upper half is the kernel's, shared by copying the
 * kernel PML4's upper 256 entries (supervisor-only, so user mode cannot touch them).
 *
 * A space is a tree of regions (mm/vma.h) plus the page tables that cache them: a page is
 * mapped only inside a region, with the region's rights, and pages of anonymous and file
 * regions are allocated on first touch (mm/fault.c). docs/design.md "User address spaces"
 * has the layout.
 *
 * Invariants: every user page and every table page reachable from the lower 256 PML4
 * entries was allocated by this code and is freed by aspace_destroy() or an unmap, except
 * pages marked not-owned in their entry (shared objects, devices), which their owner frees.
 * as->lock guards the regions and the lower-half tables; it disables interrupts, so it is
 * never held across a user-memory copy (a fault there takes it) or anything that sleeps.
 */
#ifndef MM_ASPACE_H
#define MM_ASPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <spindle/limits.h>
#include "mm/mm_internal.h"
#include "mm/vma.h"

#define ASPACE_USER_END SPINDLE_USER_ADDR_END /* first address above the user half */
/* Where mmap() places regions without MAP_FIXED (bottom-up, first fit). */
#define ASPACE_MMAP_BASE 0x0000100000000000ULL
#define ASPACE_MMAP_END  0x0000500000000000ULL
#define ASPACE_ADDR_MIN  0x0000000000010000ULL /* nothing is ever mapped below */

#define ASPACE_WRITE (1u << 0)
#define ASPACE_EXEC  (1u << 1)

typedef struct {
    uint64_t pml4_phys;
    size_t user_pages;   /* data pages this space owns (mapped in the lower half) */
    size_t table_pages;  /* page-table pages below the PML4 */
    vma_tree_t vmas;
    size_t mapped_pages; /* size of every region but guards and devices */
    size_t limit_pages;  /* mapped_pages may not pass this (mmap: ENOMEM) */
    mm_lock_t lock;
    uint64_t cpus_active; /* CPUs with it in CR3 (atomic bits): the shootdown targets */
} aspace_t;

/* What mmap() asks for (see aspace_mmap). */
typedef struct {
    uint64_t addr;       /* hint, or the exact address with fixed */
    uint64_t length;     /* bytes, > 0, rounded up to pages */
    unsigned prot;       /* VMA_READ | VMA_WRITE | VMA_EXEC */
    vma_kind_t kind;     /* VMA_ANON, VMA_SHARED, VMA_DEVICE or VMA_FILE */
    bool fixed;          /* replace whatever is at [addr, addr + length) */
    bool allow_wx;       /* may be writable and executable at once */
    uint64_t dev_phys;   /* VMA_DEVICE: physical base (page aligned) */
    void *file;          /* VMA_FILE: open file (the region takes a reference) */
    uint64_t pgoff;      /* VMA_FILE: first page of the file */
} aspace_map_req_t;

/* A new, empty address space; NULL when memory is short. */
aspace_t *aspace_create(void);
/* Frees every region, user page, table page and the PML4. Must not be the active one. */
void aspace_destroy(aspace_t *as);

/* Maps a fresh zeroed page at va (page aligned, user half). If va is already mapped its
 * permissions are widened by flags (two segments sharing a page). False when out of memory.
 * For exec (before the space runs): call aspace_adopt_mapped() afterwards. */
bool aspace_map_zeroed(aspace_t *as, uint64_t va, unsigned flags);
/* Physical address of the page holding va, or 0 when unmapped. */
uint64_t aspace_translate(const aspace_t *as, uint64_t va);
/* Copies into the space's pages through the direct map (no CR3 switch, no SMAP window).
 * False when any byte of the range is unmapped. */
bool aspace_write(const aspace_t *as, uint64_t va, const void *src, size_t n);

/* Loads as into CR3 (NULL: the kernel's own tables). */
void aspace_activate(const aspace_t *as);
/* The scheduler's switch on CPU cpu from space from to space to (either may be NULL): marks
 * to active here before loading it and from inactive after, so a shootdown that misses
 * this CPU's bit can only precede the CR3 load that flushes the stale entries anyway. */
void aspace_switch(aspace_t *from, aspace_t *to, unsigned cpu);

/* ---- regions (mm/aspace_map.c) ---- */

/* Makes regions (VMA_F_IMAGE, private) of the pages aspace_map_zeroed mapped in
 * [start, end), one per run of equal rights. 0 or ENOMEM. */
int aspace_adopt_mapped(aspace_t *as, uint64_t start, uint64_t end);
/* The main stack: a private region [top - limit, top) filled on demand, a guard region of
 * one page below it, and the top `populate` bytes mapped now (for exec's argument block).
 * 0 or ENOMEM. */
int aspace_stack_create(aspace_t *as, uint64_t top, uint64_t limit, uint64_t populate);
/* mmap(): 0 and *out = address, or EINVAL, EACCES (W+X without allow_wx), ENOMEM (limit,
 * free memory, or no room). */
int aspace_mmap(aspace_t *as, const aspace_map_req_t *req, uint64_t *out);
/* munmap() of any page range, splitting regions: 0, EINVAL or ENOMEM (a split failed). */
int aspace_munmap(aspace_t *as, uint64_t addr, uint64_t length);
/* mprotect() of any page range: 0, EINVAL, ENOMEM (part of the range is not mapped, or a
 * split failed), EACCES (W+X not allowed for the region). */
int aspace_mprotect(aspace_t *as, uint64_t addr, uint64_t length, unsigned prot);
/* Maps every VMA_SHARED region of src at the same address in dst (spawn): 0, ENOMEM, or
 * EINVAL when dst already has something there. */
int aspace_share_into(aspace_t *dst, aspace_t *src);

/* ---- faults (mm/fault.c) ---- */

#define ASPACE_ACCESS_READ  0u
#define ASPACE_ACCESS_WRITE 1u
#define ASPACE_ACCESS_EXEC  2u

/* Why a fault could not be served (for the one-line report). */
typedef enum {
    ASPACE_FAULT_OK = 0,
    ASPACE_FAULT_UNMAPPED,   /* no region there */
    ASPACE_FAULT_PROTECTION, /* the region forbids this access */
    ASPACE_FAULT_GUARD,      /* the stack's guard page: stack overflow */
    ASPACE_FAULT_NOMEM,      /* no page could be had */
    ASPACE_FAULT_IO,         /* a file page could not be read */
} aspace_fault_t;

/* Serves a touch of va (access ASPACE_ACCESS_*) by mapping its page from its region. */
aspace_fault_t aspace_fault(aspace_t *as, uint64_t va, unsigned access);
const char *aspace_fault_name(aspace_fault_t why);
/* Why the last user fault on this CPU was not served (for the kill report). */
const char *aspace_fault_last_reason(void);
/* The address space of the thread running on this CPU (NULL: a kernel thread, or an exited
 * process): a lookup the layer that gives threads their spaces (proc/) registers once at
 * boot, so the #PF handler finds the faulting space without including it. */
void aspace_current_register(aspace_t *(*current)(void));
/* Physical address behind user address va after faulting its page in for access (futex
 * keys: physical page + offset). 0 and *why set when it cannot be served. Holding the
 * result is only safe while the caller keeps the page mapped (e.g. under its own lock). */
uint64_t aspace_user_phys(aspace_t *as, uint64_t va, unsigned access, aspace_fault_t *why);

/* What a futex on user address va is keyed by. A word in a VMA_SHARED region: *shm (with
 * a reference the caller drops with shm_put) and *offset, its byte offset in the object, so
 * every space mapping the object meets on one key and the key cannot be reused while
 * anyone holds it. Private memory (anonymous, file, image, device): *shm NULL, and the
 * caller keys by (space, va). EFAULT when no region at va allows reading. Faults nothing in. */
struct shm;
int aspace_futex_object(aspace_t *as, uint64_t va, struct shm **shm, uint64_t *offset);

/* File regions hold a reference on their open file; the VFS side provides these three
 * as a table it registers at boot (aspace_file.c). read_page fills one page (zeros past the
 * end of the file) and returns 0; it is called with interrupts on and no lock held. */
typedef struct {
    void (*get)(void *file);
    void (*put)(void *file);
    int (*read_page)(void *file, uint64_t pgoff, void *dst);
} aspace_file_ops_t;
void aspace_file_ops_register(const aspace_file_ops_t *ops);
/* Forward to the registered table (ASSERT: one is registered). */
void aspace_file_get(void *file);
void aspace_file_put(void *file);
int aspace_file_read_page(void *file, uint64_t pgoff, void *dst);

/* ---- accounting ---- */

/* Pages always left to the kernel: user pages are not allocated below this. */
size_t aspace_reserve_pages(void);
/* A page for user memory (contents undefined), or 0 when only the reserve is left. */
uint64_t aspace_page_alloc(void);

/* Registers the #PF handler and remembers the framebuffer for device mappings. */
void aspace_init(uint64_t fb_phys, uint64_t fb_size);
/* The framebuffer mmap() may map (phys 0 when there is none). */
void aspace_framebuffer(uint64_t *phys, uint64_t *size);

#endif
