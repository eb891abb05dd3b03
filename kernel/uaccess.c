/*
 * uaccess.c - range checks, the SMAP window and the fault-fixup lookup around the raw copy
 * routines of uaccess_copy.S (see uaccess.h for the rules).
 */
#include "kernel/uaccess.h"
#include <spindle/errno.h>

extern const extable_entry_t __extable_start[], __extable_end[];
extern uint64_t uaccess_copy_raw(void *dst, const void *src, size_t n);
extern int64_t uaccess_strncpy_raw(char *dst, const void *src, size_t max);

bool uaccess_range_ok(uint64_t addr, size_t n)
{
    if (addr >= USER_ADDR_END)
        return false;
    return n <= USER_ADDR_END - addr; /* no addition: cannot wrap */
}

/* SMAP: supervisor access to user pages is allowed only between these two calls. */
static inline void uaccess_open(void)
{
    if (cpu_features.smap)
        __asm__ volatile("stac" ::: "memory");
}

static inline void uaccess_close(void)
{
    if (cpu_features.smap)
        __asm__ volatile("clac" ::: "memory");
}

int uaccess_read(void *dst, uptr_t src, size_t n)
{
    if (!uaccess_range_ok(src.addr, n))
        return EFAULT;
    uaccess_open();
    uint64_t fault = uaccess_copy_raw(dst, (const void *)src.addr, n);
    uaccess_close();
    return fault ? EFAULT : 0;
}

int uaccess_write(uptr_t dst, const void *src, size_t n)
{
    if (!uaccess_range_ok(dst.addr, n))
        return EFAULT;
    uaccess_open();
    uint64_t fault = uaccess_copy_raw((void *)dst.addr, src, n);
    uaccess_close();
    return fault ? EFAULT : 0;
}

int copy_from_user(void *dst, const void *user_src, size_t n)
{
    return uaccess_read(dst, UPTR(user_src), n);
}

int copy_to_user(void *user_dst, const void *src, size_t n)
{
    return uaccess_write(UPTR(user_dst), src, n);
}

int copy_string_from_user(char *dst, const void *user_src, size_t max, size_t *len)
{
    return uaccess_read_string(dst, UPTR(user_src), max, len);
}

int uaccess_read_string(char *dst, uptr_t src, size_t max, size_t *len)
{
    uint64_t addr = src.addr;
    if (max == 0 || !uaccess_range_ok(addr, 1))
        return EFAULT;
    /* Never read past the user half, even looking for the NUL. */
    size_t limit = max < USER_ADDR_END - addr ? max : (size_t)(USER_ADDR_END - addr);
    uaccess_open();
    int64_t r = uaccess_strncpy_raw(dst, (const void *)addr, limit);
    uaccess_close();
    if (r == -1)
        return EFAULT;
    if (r == -2) {
        dst[max - 1] = '\0';
        return limit < max ? EFAULT : ENAMETOOLONG; /* ran into the kernel half */
    }
    if (len)
        *len = (size_t)r;
    return 0;
}

bool extable_fixup(interrupt_frame_t *f)
{
    for (const extable_entry_t *e = __extable_start; e < __extable_end; e++) {
        if (e->insn == f->rip) {
            f->rip = e->fixup;
            return true;
        }
    }
    return false;
}
