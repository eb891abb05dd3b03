/*
 * uaccess.h - the one door between the kernel and user memory.
 *
 * Every system call that reads or writes a user pointer goes through these functions; no
 * other kernel code dereferences a user address. Each call checks that the whole range lies
 * in the user half (below USER_ADDR_END, no wrap-around) before touching it, opens SMAP
 * (stac/clac) only around the copy itself, and turns a page fault inside the copy into
 * EFAULT through the fault-fixup table (.extable), which the #PF handler consults for
 * kernel-mode faults via extable_fixup().
 *
 * A user address arrives as uptr_t (system-call handlers get their pointer arguments typed
 * so, syscall_protos.h): a struct, so it cannot be dereferenced or passed where a kernel
 * pointer is expected; only the uaccess_* functions below take it (.addr is the number, for
 * address arithmetic and range checks). The copy_*_user forms with raw pointers remain for
 * code not converted yet (tracer, futex, threads) and are thin wrappers.
 */
#ifndef KERNEL_UACCESS_H
#define KERNEL_UACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <spindle/limits.h>
#include "kernel/arch/arch.h"

#define USER_ADDR_END SPINDLE_USER_ADDR_END /* first address above the user half */

/* Entry of .extable: a fault at `insn` resumes at `fixup`. */
typedef struct {
    uint64_t insn;
    uint64_t fixup;
} extable_entry_t;

typedef struct {
    uint64_t addr;
} uptr_t;

#define UPTR(a) ((uptr_t){ .addr = (uint64_t)(a) })

/* p + off bytes (element i of a user array: uptr_offset(p, i * sizeof elem)). */
static inline uptr_t uptr_offset(uptr_t p, uint64_t off)
{
    return UPTR(p.addr + off);
}

/* For a callee that still takes a raw user pointer and copies through copy_*_user itself
 * (the tracer's trace_control); goes away as such callees take uptr_t. */
static inline const void *uptr_unconverted(uptr_t p)
{
    return (const void *)p.addr;
}

/* True when [addr, addr + n) lies entirely in the user half (n == 0: addr itself must). */
bool uaccess_range_ok(uint64_t addr, size_t n);

/* 0 on success, EFAULT when any byte is outside the user half or not accessible. */
int uaccess_read(void *dst, uptr_t src, size_t n);
int uaccess_write(uptr_t dst, const void *src, size_t n);
/* Copies a NUL-terminated string of at most max-1 characters plus its NUL into dst (max
 * bytes). 0 on success (*len = strlen), EFAULT, or ENAMETOOLONG when no NUL came within
 * max bytes. len may be NULL. */
int uaccess_read_string(char *dst, uptr_t src, size_t max, size_t *len);

/* The same with raw pointers, for code that does not hold a uptr_t yet. */
int copy_from_user(void *dst, const void *user_src, size_t n);
int copy_to_user(void *user_dst, const void *src, size_t n);
int copy_string_from_user(char *dst, const void *user_src, size_t max, size_t *len);

/* For the #PF handler: a kernel-mode fault at a listed instruction resumes at its fixup. */
bool extable_fixup(interrupt_frame_t *f);

#endif
