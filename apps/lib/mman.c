/* mman.c - mmap, munmap, mprotect, meminfo (see sys/mman.h): -1 / MAP_FAILED and errno. */
#include <sys/mman.h>
#include "libc_internal.h"

void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
    void *r = sys_mmap(addr, length, (uint64_t)prot, (uint64_t)(unsigned)flags,
                       (uint64_t)(int64_t)fd, (int64_t)offset);
    if (!r) { /* the call reports failure as NULL */
        errno = (int)sys_errno();
        return MAP_FAILED;
    }
    return r;
}

int munmap(void *addr, size_t length)
{
    return (int)libc_result(sys_munmap(addr, length));
}

int mprotect(void *addr, size_t length, int prot)
{
    return (int)libc_result(sys_mprotect(addr, length, (uint64_t)prot));
}

int meminfo(meminfo_t *info)
{
    return (int)libc_result(sys_meminfo(info));
}
