/*
 * sys_mem.c - memory calls: mmap, munmap, mprotect and meminfo. The argument checks that
 * need no lock are here; everything about regions is mm/aspace_map.c's job.
 *
 * mmap kinds: MAP_ANONYMOUS | MAP_PRIVATE (zero-filled on first touch), MAP_ANONYMOUS |
 * MAP_SHARED (a shared object children get with SPAWN_SHARE_MEMORY), and fd-backed ones
 * (sys_mem_fd.c): a regular file (private copy) or the framebuffer device (shared window).
 */
#include "kernel/uaccess.h"
#include "mm/aspace.h"
#include "mm/heap.h"
#include "mm/hhdm.h"
#include "mm/pmm.h"
#include "proc/process.h"
#include "syscall/sys_mem_fd.h"
#include "syscall/syscall.h"

#define MAP_KNOWN (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_WX)

static uint64_t mmap_fail(int code)
{
    syscall_fail(code);
    return 0; /* mmap returns a pointer: NULL on failure */
}

SYSCALL_DEFINE(SYS_MMAP, uint64_t, uptr_t addr, uint64_t length, uint64_t prot,
               uint64_t flags, uint64_t fd, int64_t offset)
{
    if ((flags & ~(uint64_t)MAP_KNOWN) || (prot & ~(uint64_t)VMA_PROT_MASK))
        return mmap_fail(EINVAL);
    bool shared = flags & MAP_SHARED, private = flags & MAP_PRIVATE;
    if (shared == private)
        return mmap_fail(EINVAL);
    aspace_map_req_t req = { .addr = addr.addr, .length = length, .prot = (unsigned)prot,
                             .fixed = flags & MAP_FIXED, .allow_wx = flags & MAP_WX };
    int err = 0;
    if (flags & MAP_ANONYMOUS)
        req.kind = shared ? VMA_SHARED : VMA_ANON;
    else
        err = sys_mem_fd_request(fd, (uint64_t)offset, shared, &req);
    uint64_t at = 0;
    if (!err)
        err = aspace_mmap(process_current()->aspace, &req, &at);
    if (req.file)
        aspace_file_put(req.file); /* the request's own reference; the region took one */
    return err ? mmap_fail(err) : at;
}

SYSCALL_DEFINE(SYS_MUNMAP, uint64_t, uptr_t addr, uint64_t length)
{
    int err = aspace_munmap(process_current()->aspace, addr.addr, length);
    return err ? syscall_fail(err) : 0;
}

SYSCALL_DEFINE(SYS_MPROTECT, uint64_t, uptr_t addr, uint64_t length, uint64_t prot)
{
    if (prot & ~(uint64_t)VMA_PROT_MASK)
        return syscall_fail(EINVAL);
    int err = aspace_mprotect(process_current()->aspace, addr.addr, length, (unsigned)prot);
    return err ? syscall_fail(err) : 0;
}

SYSCALL_DEFINE(SYS_MEMINFO, uint64_t, uptr_t user_info)
{
    aspace_t *as = process_current()->aspace;
    heap_trim(); /* cached empty slabs would make the free count drift */
    meminfo_t info = {
        .page_size = PAGE_SIZE,
        .total_pages = pmm_total_pages(),
        .free_pages = pmm_free_pages(),
        .reserve_pages = aspace_reserve_pages(),
        .heap_bytes = heap_bytes_in_use(),
        .proc_pages = as ? as->user_pages : 0,
        .proc_mapped_pages = as ? as->mapped_pages : 0,
        .proc_limit_pages = as ? as->limit_pages : 0,
    };
    return uaccess_write(user_info, &info, sizeof info) ? syscall_fail(EFAULT) : 0;
}
