/*
 * sys/mman.h - memory mappings (POSIX names over SYS_MMAP, SYS_MUNMAP, SYS_MPROTECT) and
 * Spindle's meminfo(). PROT_* and MAP_* come from <spindle/abi.h>; MAP_WX is Spindle's
 * explicit request for a region that may be writable and executable at once (W^X is the
 * default). Shared anonymous regions reach a child spawned with SPAWN_SHARE_MEMORY.
 */
#ifndef _SYS_MMAN_H
#define _SYS_MMAN_H

#include <stddef.h>
#include <spindle/abi.h>
#include <sys/types.h>

#define MAP_FAILED ((void *)-1)
#define MAP_ANON MAP_ANONYMOUS

/* The address of the new region, or MAP_FAILED with errno set. */
void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
int munmap(void *addr, size_t length);
int mprotect(void *addr, size_t length, int prot);
/* Memory figures of the machine and the caller (see meminfo_t); -1 with errno on error. */
int meminfo(meminfo_t *info);

#endif
