/*
 * linux_mem.c - Linux memory calls: brk, mmap, munmap, mprotect, madvise. mmap, munmap and
 * mprotect translate flags and go to the native handlers (mm/aspace_map.c does the work);
 * brk is a run of ordinary anonymous regions right above the program image.
 *
 * brk: [brk_start, brk_end) is the program's heap. Growing maps the new pages with a hint at
 * the old top, which the placement honours only when the range is free, so the heap never
 * lands on anything else; when it is not free (or memory is short) the break stays where it
 * was and Linux's answer, the unchanged break, tells malloc to use mmap instead.
 */
#include "mm/aspace.h"
#include "mm/hhdm.h"
#include "syscall/linux/linux.h"

#define LINUX_BRK_MAX (1ULL << 30) /* how far the heap may grow above the image */

static bool brk_map(uint64_t at, uint64_t len)
{
    int64_t got = linux_native_ptr(SYS_MMAP, at, len, PROT_READ | PROT_WRITE,
                                   MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0);
    if (got < 0)
        return false;
    if ((uint64_t)got != at) { /* something is in the way: the heap cannot grow here */
        LN2(SYS_MUNMAP, got, len);
        return false;
    }
    return true;
}

int64_t linux_sys_brk(void *uaddr)
{
    process_t *p = process_current();
    uint64_t cur = __atomic_load_n(&p->brk_end, __ATOMIC_ACQUIRE), want = (uint64_t)uaddr;
    if (want < p->brk_start || want - p->brk_start > LINUX_BRK_MAX)
        return (int64_t)cur; /* brk(0) and out-of-range requests read the break */
    uint64_t old_top = PAGE_ALIGN_UP(cur), new_top = PAGE_ALIGN_UP(want);
    if (new_top > old_top && !brk_map(old_top, new_top - old_top))
        return (int64_t)cur;
    if (new_top < old_top)
        LN2(SYS_MUNMAP, new_top, old_top - new_top);
    /* Two threads moving the break at once is the program's race; the loser sees the
     * winner's break (its pages stay mapped until exit). */
    if (!__atomic_compare_exchange_n(&p->brk_end, &cur, want, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE))
        return (int64_t)cur;
    return (int64_t)want;
}

int64_t linux_sys_mmap(void *addr, uint64_t length, uint64_t prot, uint64_t flags, uint64_t fd,
                       int64_t offset)
{
    uint64_t type = flags & LINUX_MAP_TYPE, a = (uint64_t)addr;
    if (type == 0)
        return -EINVAL;
    if (offset & (PAGE_SIZE - 1))
        return -EINVAL;
    bool noreplace = flags & LINUX_MAP_FIXED_NOREPLACE;
    uint64_t native = (type == LINUX_MAP_PRIVATE ? MAP_PRIVATE : MAP_SHARED) |
                      (flags & LINUX_MAP_ANONYMOUS ? MAP_ANONYMOUS : 0);
    if (flags & LINUX_MAP_FIXED && !noreplace)
        native |= MAP_FIXED;
    else
        a &= ~(PAGE_SIZE - 1); /* a hint: Linux rounds it */
    int64_t got = linux_native_ptr(SYS_MMAP, a, length, prot, native, fd, (uint64_t)offset);
    if (got >= 0 && noreplace && (uint64_t)got != a) {
        LN2(SYS_MUNMAP, got, length);
        return -EEXIST;
    }
    return got;
}

int64_t linux_sys_munmap(void *addr, uint64_t length)
{
    return LN2(SYS_MUNMAP, addr, length);
}

int64_t linux_sys_mprotect(void *addr, uint64_t length, uint64_t prot)
{
    /* PROT_GROWSDOWN/GROWSUP ask to extend to a stack's guard: the stack region is one. */
    return LN3(SYS_MPROTECT, addr, length, prot & ~0x3000000ULL);
}

/* Advice changes no result a program can see, except MADV_DONTNEED's zero-fill, which
 * neither libc relies on for correctness: accepted and ignored. */
int64_t linux_sys_madvise(void *addr, uint64_t length, int64_t advice)
{
    (void)length, (void)advice;
    return ((uint64_t)addr & (PAGE_SIZE - 1)) ? -EINVAL : 0;
}
