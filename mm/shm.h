/*
 * shm.h - anonymous shared memory objects: a refcounted array of pages, allocated on first
 * touch and zero-filled. Every VMA_SHARED region holds one reference (a split region holds
 * two); the pages go back to the allocator when the last reference is dropped. Objects are
 * shared between address spaces (spawn with SPAWN_SHARE_MEMORY), so the count and the page
 * slots change only atomically.
 */
#ifndef MM_SHM_H
#define MM_SHM_H

#include <stddef.h>
#include <stdint.h>

typedef struct shm {
    uint64_t refs;
    size_t npages;
    uint64_t pages[]; /* physical address per page, 0 until first touched */
} shm_t;

/* A new object of npages pages with one reference; NULL when memory is short. */
shm_t *shm_create(size_t npages);
void shm_get(shm_t *s);
void shm_put(shm_t *s);
/* The physical page at index (allocated and zeroed now if needed, with alloc_page, which
 * may refuse by returning 0); 0 when out of memory. */
uint64_t shm_page(shm_t *s, size_t index, uint64_t (*alloc_page)(void));

#endif
