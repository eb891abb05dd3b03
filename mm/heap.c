/*
 * heap.c - kmalloc/kfree: size-class slabs for small objects, page runs for large ones.
 *
 * Small (<= HEAP_SLAB_MAX): one 4 KiB pmm page per slab, reached through the direct map. The
 * page starts with a 64-byte header (magic tied to the page's frame number, class, a free list
 * threaded through the free objects, partial-list links, and a bitmap of handed-out objects);
 * objects follow at 16-byte aligned offsets. Class sizes are chosen to tile the 4032 bytes left:
 * 16..512 in powers of two, then 1008 (4 per page), 1344 (3) and 2016 (2).
 * Large: pmm_alloc_contig(n) with a 16-byte header {magic, pages, size}; the caller gets page+16.
 * When no contiguous run is left, single pages mapped side by side at HEAP_VMAP_BASE instead.
 *
 * Invariants: a slab is on its class's partial list iff it has both free and used objects; a
 * fully free slab is either the class's one cached slab (kept to avoid pmm churn at the
 * boundary; heap_trim gives it back) or returned to the pmm at once. heap_bytes_in_use counts
 * the usable size of every live block (class size, or the request rounded up to 16).
 * kfree checks, before touching the page, that the pmm handed it out; then magic, object
 * alignment and the object's bitmap bit. A double free or foreign pointer panics naming the
 * caller of kfree.
 */
#include "mm/heap.h"
#include <stdbool.h>
#include <stdint.h>
#include "kernel/kprintf.h"
#include "kernel/ktest.h"
#include "kernel/panic.h"
#include "mm/hhdm.h"
#include "mm/mm_internal.h"
#include "mm/pmm.h"
#include "mm/vmm.h"

#define HEAP_SLAB_MAGIC  0x534C4142u
#define HEAP_LARGE_MAGIC 0x4C415247u
#define HEAP_HDR_SIZE    64
#define HEAP_LARGE_HDR   16
#define HEAP_SLAB_MAX    2016
#define HEAP_LARGE_MAX   (1ULL << 30)
#define HEAP_CLASSES     9

typedef struct heap_slab {
    uint32_t magic;
    uint8_t cls;
    uint8_t unused;
    uint16_t free_count;
    void *free_head;
    struct heap_slab *prev, *next;
    uint64_t used[4];
} heap_slab_t;

typedef struct {
    uint32_t magic;
    uint32_t pages;
    uint64_t size;
} heap_large_t;

_Static_assert(sizeof(heap_slab_t) == HEAP_HDR_SIZE, "slab header must fill 64 bytes");
_Static_assert(sizeof(heap_large_t) == HEAP_LARGE_HDR, "large header must be 16 bytes");

static const uint16_t heap_class_size[HEAP_CLASSES] = { 16, 32, 64, 128, 256, 512, 1008, 1344, 2016 };

static struct {
    heap_slab_t *partial[HEAP_CLASSES];
    heap_slab_t *cached[HEAP_CLASSES];
    size_t bytes_in_use;
    mm_lock_t lock;
} heap;

static inline uint32_t heap_magic(uint32_t base, const void *page)
{
    return base ^ (uint32_t)(virt_to_phys(page) >> 12);
}

static inline unsigned heap_objs(unsigned cls)
{
    return (unsigned)((PAGE_SIZE - HEAP_HDR_SIZE) / heap_class_size[cls]);
}

static inline uint8_t *heap_obj(heap_slab_t *s, unsigned i)
{
    return (uint8_t *)s + HEAP_HDR_SIZE + (size_t)i * heap_class_size[s->cls];
}

/* ------------------------------------------------------------------ partial lists */

static void heap_partial_push(heap_slab_t *s)
{
    s->prev = NULL;
    s->next = heap.partial[s->cls];
    if (s->next)
        s->next->prev = s;
    heap.partial[s->cls] = s;
}

static void heap_partial_remove(heap_slab_t *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        heap.partial[s->cls] = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->prev = s->next = NULL;
}

/* ------------------------------------------------------------------ slabs */

static heap_slab_t *heap_slab_new(unsigned cls)
{
    uint64_t p = pmm_alloc();
    if (!p)
        return NULL;
    heap_slab_t *s = phys_to_virt(p);
    unsigned n = heap_objs(cls);
    s->magic = heap_magic(HEAP_SLAB_MAGIC, s);
    s->cls = (uint8_t)cls;
    s->unused = 0;
    s->free_count = (uint16_t)n;
    s->prev = s->next = NULL;
    for (unsigned i = 0; i < 4; i++)
        s->used[i] = 0;
    for (unsigned i = 0; i < n; i++)
        *(void **)heap_obj(s, i) = (i + 1 < n) ? heap_obj(s, i + 1) : NULL;
    s->free_head = heap_obj(s, 0);
    return s;
}

static void heap_slab_release(heap_slab_t *s)
{
    s->magic = 0;
    pmm_free(virt_to_phys(s));
}

static void *heap_slab_alloc(unsigned cls)
{
    heap_slab_t *s = heap.partial[cls];
    if (!s) {
        s = heap.cached[cls];
        heap.cached[cls] = NULL;
        if (!s)
            s = heap_slab_new(cls);
        if (!s)
            return NULL;
        heap_partial_push(s);
    }
    uint8_t *obj = s->free_head;
    s->free_head = *(void **)obj;
    s->free_count--;
    unsigned i = (unsigned)((obj - heap_obj(s, 0)) / heap_class_size[cls]);
    s->used[i / 64] |= 1ULL << (i % 64);
    if (s->free_count == 0)
        heap_partial_remove(s);
    heap.bytes_in_use += heap_class_size[cls];
    return obj;
}

static void heap_slab_free(heap_slab_t *s, unsigned i)
{
    unsigned cls = s->cls, n = heap_objs(cls);
    uint8_t *obj = heap_obj(s, i);
    s->used[i / 64] &= ~(1ULL << (i % 64));
    *(void **)obj = s->free_head;
    s->free_head = obj;
    if (s->free_count++ == 0)
        heap_partial_push(s);
    heap.bytes_in_use -= heap_class_size[cls];
    if (s->free_count < n)
        return;
    heap_partial_remove(s);
    if (!heap.cached[cls])
        heap.cached[cls] = s;
    else
        heap_slab_release(s);
}

/* ------------------------------------------------------------------ large blocks */

static void *heap_large_alloc(size_t size)
{
    size_t pages = (size + HEAP_LARGE_HDR + PAGE_SIZE - 1) / PAGE_SIZE;
    uint64_t p = pmm_alloc_contig(pages);
    if (!p)
        return NULL;
    heap_large_t *h = phys_to_virt(p);
    h->magic = heap_magic(HEAP_LARGE_MAGIC, h);
    h->pages = (uint32_t)pages;
    h->size = (size + 15) & ~15ULL;
    heap.bytes_in_use += h->size;
    return (uint8_t *)h + HEAP_LARGE_HDR;
}

static const char *heap_caller_name(uint64_t caller);

/* ------------------------------------------------------------------ mapped large blocks
 * When no physically contiguous run is left (freed single pages are never merged back into
 * runs), a large block is built from single pages mapped side by side at HEAP_VMAP_BASE, so a
 * fragmented machine still serves big buffers. One bit per page of that window says which
 * pages are taken; every block keeps one unmapped page after it as a guard. */

#define HEAP_VMAP_BASE  0xFFFFB00000000000ULL
#define HEAP_VMAP_PAGES (1u << 18) /* 1 GiB of address space */
#define HEAP_VMAP_MAGIC 0x564D4150u

static uint64_t heap_vmap_used[HEAP_VMAP_PAGES / 64];

static bool heap_vmap_slot_used(size_t i) { return heap_vmap_used[i / 64] & (1ULL << (i % 64)); }

static void heap_vmap_mark(size_t first, size_t n, bool used)
{
    for (size_t i = first; i < first + n; i++) {
        if (used)
            heap_vmap_used[i / 64] |= 1ULL << (i % 64);
        else
            heap_vmap_used[i / 64] &= ~(1ULL << (i % 64));
    }
}

/* First fit: index of n free slots in a row, or -1. */
static long heap_vmap_find(size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < HEAP_VMAP_PAGES; i++) {
        if (i % 64 == 0 && heap_vmap_used[i / 64] == ~0ULL) {
            run = 0;
            i += 63;
            continue;
        }
        run = heap_vmap_slot_used(i) ? 0 : run + 1;
        if (run == n)
            return (long)(i + 1 - n);
    }
    return -1;
}

static void *heap_vmap_alloc(size_t size)
{
    size_t pages = (size + HEAP_LARGE_HDR + PAGE_SIZE - 1) / PAGE_SIZE;
    long slot = heap_vmap_find(pages + 1);
    if (slot < 0)
        return NULL;
    uint64_t va = HEAP_VMAP_BASE + (uint64_t)slot * PAGE_SIZE;
    for (size_t i = 0; i < pages; i++) {
        uint64_t phys = pmm_alloc();
        if (!phys || !vmm_map_page(va + i * PAGE_SIZE, phys, VMM_WRITE)) {
            if (phys)
                pmm_free(phys);
            vmm_unmap_free(va, i);
            return NULL;
        }
    }
    heap_vmap_mark((size_t)slot, pages + 1, true);
    heap_large_t *h = (heap_large_t *)va;
    h->magic = HEAP_VMAP_MAGIC;
    h->pages = (uint32_t)pages;
    h->size = (size + 15) & ~15ULL;
    heap.bytes_in_use += h->size;
    return (uint8_t *)h + HEAP_LARGE_HDR;
}

static bool heap_vmap_owns(uint64_t v)
{
    return v >= HEAP_VMAP_BASE && v < HEAP_VMAP_BASE + (uint64_t)HEAP_VMAP_PAGES * PAGE_SIZE;
}

static void heap_vmap_free(void *ptr, uint64_t caller)
{
    uint64_t page = PAGE_ALIGN_DOWN((uint64_t)ptr);
    heap_large_t *h = (heap_large_t *)page;
    if (!vmm_translate(page) || (uint64_t)ptr != page + HEAP_LARGE_HDR ||
        h->magic != HEAP_VMAP_MAGIC)
        panic("heap: double or bad free of %p from %s", ptr, heap_caller_name(caller));
    size_t pages = h->pages;
    heap.bytes_in_use -= h->size;
    h->magic = 0;
    vmm_unmap_free(page, pages);
    heap_vmap_mark((size_t)((page - HEAP_VMAP_BASE) / PAGE_SIZE), pages + 1, false);
}

/* ------------------------------------------------------------------ public interface */

void heap_init(void)
{
    mm_lock_init(&heap.lock, LOCK_RANK_HEAP);
    kprintf("heap: %u slab classes (16..%u bytes), larger blocks from page runs\n",
            HEAP_CLASSES, HEAP_SLAB_MAX);
}

static int heap_class_for(size_t size)
{
    for (unsigned c = 0; c < HEAP_CLASSES; c++)
        if (size <= heap_class_size[c])
            return (int)c;
    return -1;
}

void *kmalloc(size_t size)
{
    if (size == 0 || size > HEAP_LARGE_MAX)
        return NULL;
    uint64_t flags = mm_lock_acquire(&heap.lock);
    int cls = heap_class_for(size);
    void *p = cls >= 0 ? heap_slab_alloc((unsigned)cls) : heap_large_alloc(size);
    if (!p && cls < 0)
        p = heap_vmap_alloc(size);
    mm_lock_release(&heap.lock, flags);
    return p;
}

void *kzalloc(size_t size)
{
    void *p = kmalloc(size);
    if (p)
        mm_zero(p, (size + 15) & ~(size_t)15);
    return p;
}

static const char *heap_caller_name(uint64_t caller)
{
    uint64_t off;
    const char *name = ksyms_lookup(caller, &off);
    return name ? name : "?";
}

static __attribute__((noreturn)) void heap_bad_free(void *ptr, uint64_t caller)
{
    /* A page the pmm manages but holds as free was handed out by us once: a double free. */
    uint64_t page = PAGE_ALIGN_DOWN(virt_to_phys(ptr));
    if (pmm_page_is_free(page))
        panic("heap: double free of %p from %s", ptr, heap_caller_name(caller));
    panic("heap: free of %p from %s, which the heap never handed out", ptr,
          heap_caller_name(caller));
}

/* Frees ptr, or reports why it cannot; runs under the heap lock. */
static void heap_free_locked(void *ptr, uint64_t caller)
{
    uint64_t v = (uint64_t)ptr;
    if (heap_vmap_owns(v)) {
        heap_vmap_free(ptr, caller);
        return;
    }
    if ((v & 15) || !pmm_page_is_allocated(PAGE_ALIGN_DOWN(virt_to_phys(ptr))))
        heap_bad_free(ptr, caller);
    uint8_t *page = (uint8_t *)PAGE_ALIGN_DOWN(v);
    heap_slab_t *s = (heap_slab_t *)page;
    if (s->magic == heap_magic(HEAP_SLAB_MAGIC, page) && s->cls < HEAP_CLASSES &&
        v >= (uint64_t)heap_obj(s, 0)) {
        uint64_t off = v - (uint64_t)heap_obj(s, 0);
        unsigned i = (unsigned)(off / heap_class_size[s->cls]);
        if (off % heap_class_size[s->cls] || i >= heap_objs(s->cls))
            heap_bad_free(ptr, caller);
        if (!(s->used[i / 64] & (1ULL << (i % 64))))
            panic("heap: double free of %p from %s", ptr, heap_caller_name(caller));
        heap_slab_free(s, i);
        return;
    }
    heap_large_t *h = (heap_large_t *)page;
    if (h->magic != heap_magic(HEAP_LARGE_MAGIC, page) || v != (uint64_t)page + HEAP_LARGE_HDR)
        heap_bad_free(ptr, caller);
    heap.bytes_in_use -= h->size;
    h->magic = 0;
    pmm_free_contig(virt_to_phys(page), h->pages);
}

__attribute__((noinline)) void kfree(void *ptr)
{
    if (!ptr)
        return;
    uint64_t caller = (uint64_t)__builtin_return_address(0);
    uint64_t flags = mm_lock_acquire(&heap.lock);
    heap_free_locked(ptr, caller);
    mm_lock_release(&heap.lock, flags);
}

size_t heap_bytes_in_use(void)
{
    return heap.bytes_in_use;
}

void heap_trim(void)
{
    uint64_t flags = mm_lock_acquire(&heap.lock);
    for (unsigned c = 0; c < HEAP_CLASSES; c++) {
        if (heap.cached[c])
            heap_slab_release(heap.cached[c]);
        heap.cached[c] = NULL;
    }
    mm_lock_release(&heap.lock, flags);
}

/* ------------------------------------------------------------------ self-tests */

#ifndef SPINDLE_HOST_TEST
KTEST(heap_alloc_free_restores_bytes_and_pages)
{
    static void *blocks[200];
    heap_trim();
    size_t bytes = heap_bytes_in_use(), pages = pmm_free_pages();
    for (unsigned i = 0; i < 200; i++) {
        size_t size = 1 + (i * 977) % (i % 10 == 9 ? 20000 : 2100);
        blocks[i] = kmalloc(size);
        KTEST_EXPECT(blocks[i] != NULL && ((uint64_t)blocks[i] & 15) == 0);
        for (size_t b = 0; b < size; b++)
            ((uint8_t *)blocks[i])[b] = (uint8_t)(i + b);
    }
    KTEST_EXPECT(heap_bytes_in_use() > bytes);
    for (unsigned i = 0; i < 200; i++) {
        size_t size = 1 + (i * 977) % (i % 10 == 9 ? 20000 : 2100);
        for (size_t b = 0; b < size; b += 7)
            KTEST_EXPECT(((uint8_t *)blocks[i])[b] == (uint8_t)(i + b));
        kfree(blocks[i]);
    }
    heap_trim();
    KTEST_EXPECT(heap_bytes_in_use() == bytes);
    KTEST_EXPECT(pmm_free_pages() == pages);
}
#endif

static void *heap_vmap_alloc_locked(size_t size)
{
    uint64_t flags = mm_lock_acquire(&heap.lock);
    void *p = heap_vmap_alloc(size);
    mm_lock_release(&heap.lock, flags);
    return p;
}

KTEST(heap_mapped_large_block_works_and_gives_every_page_back)
{
    kfree(heap_vmap_alloc_locked(3 * PAGE_SIZE)); /* page tables of the window stay: warm up */
    size_t free_before = pmm_free_pages(), bytes_before = heap_bytes_in_use();
    uint8_t *p = heap_vmap_alloc_locked(3 * PAGE_SIZE);
    KTEST_EXPECT(p && heap_vmap_owns((uint64_t)p));
    for (size_t i = 0; i < 3 * PAGE_SIZE; i++)
        p[i] = (uint8_t)i;
    uint64_t guard = PAGE_ALIGN_DOWN((uint64_t)p) + 4 * PAGE_SIZE;
    KTEST_EXPECT(vmm_translate(guard) == 0); /* the page after the block stays unmapped */
    bool same = true;
    for (size_t i = 0; i < 3 * PAGE_SIZE; i++)
        same = same && p[i] == (uint8_t)i;
    KTEST_EXPECT(same);
    kfree(p);
    KTEST_EXPECT(vmm_translate(PAGE_ALIGN_DOWN((uint64_t)p)) == 0);
    KTEST_EXPECT(pmm_free_pages() == free_before && heap_bytes_in_use() == bytes_before);
}
