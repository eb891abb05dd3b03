/*
 * uaccess.h - the one door between the kernel and user memory.
 *
 * Every system call that reads or writes a user pointer goes through these functions; no
 * other kernel code dereferences a user address. Each call checks that the whole range lies
 * in the user half (below USER_ADDR_END, no wrap-around) before touching it, opens SMAP
 * (stac/clac) only around the copy itself, and turns a page fault inside the copy into
 * EFAULT through the fault-fixup table (.extable), which the #PF handler consults for
 * kernel-mode faults via extable_fixup().
 */
#ifndef KERNEL_UACCESS_H
#define KERNEL_UACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/arch/arch.h"

#define USER_ADDR_END 0x0000800000000000ULL /* first address above the user half */

/* Entry of .extable: a fault at `insn` resumes at `fixup`. */
typedef struct {
    uint64_t insn;
    uint64_t fixup;
} extable_entry_t;

/* True when [addr, addr + n) lies entirely in the user half (n == 0: addr itself must). */
bool uaccess_range_ok(uint64_t addr, size_t n);

/* 0 on success, EFAULT when any byte is outside the user half or not accessible. */
int copy_from_user(void *dst, const void *user_src, size_t n);
int copy_to_user(void *user_dst, const void *src, size_t n);
/* Copies a NUL-terminated string of at most max-1 characters plus its NUL into dst (max
 * bytes). 0 on success (*len = strlen), EFAULT, or ENAMETOOLONG when no NUL came within
 * max bytes. len may be NULL. */
int copy_string_from_user(char *dst, const void *user_src, size_t max, size_t *len);

/* For the #PF handler: a kernel-mode fault at a listed instruction resumes at its fixup. */
bool extable_fixup(interrupt_frame_t *f);

#endif
