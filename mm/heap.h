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
size_t heap_bytes_in_use(void);

#endif
