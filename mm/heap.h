/*
 * heap.h - kernel heap: size-class slabs for small objects, page-backed large blocks.
 * A double or bad free panics naming the caller.
 */
#ifndef MM_HEAP_H
#define MM_HEAP_H

#include <stddef.h>

void heap_init(void);
void *kmalloc(size_t size);   /* 16-byte aligned; NULL when out of memory or size == 0 */
void *kzalloc(size_t size);
void kfree(void *ptr);        /* kfree(NULL) is a no-op */
/* Sum of the usable sizes of live blocks (slab class size, or the request rounded up to 16). */
size_t heap_bytes_in_use(void);
/* Gives the empty slab kept cached per size class back to the pmm (tests compare page counts). */
void heap_trim(void);

#endif
