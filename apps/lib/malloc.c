/*
 * malloc.c - malloc, free, calloc, realloc on top of mmap.
 *
 * Small requests (up to MALLOC_SMALL_MAX bytes) come from size classes: each class carves
 * 64 KiB chunks (one mmap each) into equal blocks and keeps freed blocks on a free list;
 * chunks stay mapped for reuse. Larger requests get a mapping of their own, unmapped by
 * free(). Every block starts with a 16-byte header (class or mapping length, and a magic
 * word), so pointers stay 16-byte aligned and a free() of something malloc never handed
 * out, or a double free, aborts with a message instead of corrupting the heap.
 *
 * Thread safety: one lock around the class lists (a test-and-set that yields while taken);
 * mmap and munmap of large blocks run outside it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "libc_internal.h"

#define MALLOC_ALIGN     16
#define MALLOC_CHUNK     (64 * 1024)
#define MALLOC_SMALL_MAX 4096
#define MAGIC_SMALL      0x5350314eu /* live small block */
#define MAGIC_LARGE      0x5350314cu /* live large block */
#define MAGIC_FREE       0x46524545u /* on a free list */
#define PAGE             4096

typedef struct {
    uint32_t magic;
    uint32_t cls;      /* small: class index */
    uint64_t size;     /* small: block size without header; large: mapping length */
} block_header_t;

_Static_assert(sizeof(block_header_t) == MALLOC_ALIGN, "header keeps 16-byte alignment");

typedef struct free_block {
    block_header_t h;
    struct free_block *next;
} free_block_t;

/* Usable bytes per class (multiples of 16). */
static const uint32_t class_sizes[] = {
    16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096,
};
#define CLASS_COUNT (sizeof class_sizes / sizeof class_sizes[0])

typedef struct {
    free_block_t *free;
    char *carve, *carve_end; /* unused tail of the newest chunk */
} size_class_t;

static size_class_t classes[CLASS_COUNT];
static volatile int malloc_lock_word;

static void malloc_lock(void)
{
    while (__atomic_exchange_n(&malloc_lock_word, 1, __ATOMIC_ACQUIRE))
        sys_yield();
}

static void malloc_unlock(void)
{
    __atomic_store_n(&malloc_lock_word, 0, __ATOMIC_RELEASE);
}

static _Noreturn void malloc_corrupt(const char *what, const void *p)
{
    static const char hex[] = "0123456789abcdef";
    char msg[80] = "malloc: ";
    size_t n = strlen(msg);
    for (const char *s = what; *s && n < 50; s++)
        msg[n++] = *s;
    msg[n++] = ' ';
    msg[n++] = '0';
    msg[n++] = 'x';
    for (int shift = 44; shift >= 0; shift -= 4)
        msg[n++] = hex[((uintptr_t)p >> shift) & 0xf];
    msg[n++] = '\n';
    libc_write_all(2, msg, n);
    abort();
}

static unsigned class_of(size_t size)
{
    unsigned c = 0;
    while (class_sizes[c] < size)
        c++;
    return c;
}

/* A fresh block of class c from the current chunk, mapping a new chunk when needed.
 * Lock held. */
static free_block_t *class_carve(size_class_t *sc, unsigned c)
{
    size_t step = sizeof(block_header_t) + class_sizes[c];
    if (!sc->carve || (size_t)(sc->carve_end - sc->carve) < step) {
        void *chunk = mmap(NULL, MALLOC_CHUNK, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (chunk == MAP_FAILED)
            return NULL;
        sc->carve = chunk;
        sc->carve_end = sc->carve + MALLOC_CHUNK;
    }
    free_block_t *b = (free_block_t *)sc->carve;
    sc->carve += step;
    return b;
}

static void *malloc_small(size_t size)
{
    unsigned c = class_of(size);
    size_class_t *sc = &classes[c];
    malloc_lock();
    free_block_t *b = sc->free;
    if (b) {
        if (b->h.magic != MAGIC_FREE)
            malloc_corrupt("free list corrupted at", b);
        sc->free = b->next;
    } else {
        b = class_carve(sc, c);
    }
    malloc_unlock();
    if (!b) {
        errno = ENOMEM;
        return NULL;
    }
    b->h = (block_header_t){ .magic = MAGIC_SMALL, .cls = c, .size = class_sizes[c] };
    return (char *)b + sizeof(block_header_t);
}

static void *malloc_large(size_t size)
{
    if (size > SIZE_MAX - PAGE - sizeof(block_header_t)) {
        errno = ENOMEM;
        return NULL;
    }
    size_t len = (size + sizeof(block_header_t) + PAGE - 1) & ~(size_t)(PAGE - 1);
    block_header_t *h = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                             -1, 0);
    if (h == MAP_FAILED)
        return NULL; /* errno from mmap: ENOMEM */
    *h = (block_header_t){ .magic = MAGIC_LARGE, .size = len };
    return h + 1;
}

void *malloc(size_t size)
{
    if (size == 0)
        size = 1; /* a unique pointer, as most C libraries do */
    return size <= MALLOC_SMALL_MAX ? malloc_small(size) : malloc_large(size);
}

static block_header_t *header_of(void *p)
{
    if ((uintptr_t)p % MALLOC_ALIGN)
        malloc_corrupt("free of a pointer malloc never returned:", p);
    return (block_header_t *)p - 1;
}

/* Usable bytes of a live block. */
static size_t block_usable(const block_header_t *h)
{
    return h->magic == MAGIC_LARGE ? h->size - sizeof *h : h->size;
}

void free(void *p)
{
    if (!p)
        return;
    block_header_t *h = header_of(p);
    if (h->magic == MAGIC_LARGE) {
        h->magic = MAGIC_FREE;
        munmap(h, h->size);
        return;
    }
    if (h->magic == MAGIC_FREE)
        malloc_corrupt("double free of", p);
    if (h->magic != MAGIC_SMALL || h->cls >= CLASS_COUNT)
        malloc_corrupt("free of a pointer malloc never returned:", p);
    free_block_t *b = (free_block_t *)h;
    size_class_t *sc = &classes[h->cls];
    malloc_lock();
    b->h.magic = MAGIC_FREE;
    b->next = sc->free;
    sc->free = b;
    malloc_unlock();
}

void *calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = malloc(count * size);
    if (p)
        memset(p, 0, count * size); /* recycled small blocks are not zero */
    return p;
}

void *realloc(void *p, size_t size)
{
    if (!p)
        return malloc(size);
    if (size == 0) {
        free(p);
        return NULL;
    }
    block_header_t *h = header_of(p);
    if (h->magic != MAGIC_SMALL && h->magic != MAGIC_LARGE)
        malloc_corrupt("realloc of a pointer malloc never returned:", p);
    size_t have = block_usable(h);
    if (size <= have && (h->magic == MAGIC_SMALL || size > MALLOC_SMALL_MAX))
        return p; /* fits; a large block shrinking to small size is moved to save pages */
    void *q = malloc(size);
    if (!q)
        return NULL; /* p stays valid, as C requires */
    memcpy(q, p, have < size ? have : size);
    free(p);
    return q;
}
