/*
 * linux.h - what the Linux ABI handlers (syscall/linux/) share. Each handler is a thin
 * translation: it converts Linux's arguments and structures, calls the kernel service the
 * native call uses (often the native handler itself, through linux_native), and returns the
 * result or -errno. Handler prototypes are generated from linux_syscalls.spec
 * (spindle/linux_syscalls.h), so a handler whose signature drifts from the spec does not build.
 */
#ifndef SYSCALL_LINUX_LINUX_H
#define SYSCALL_LINUX_LINUX_H

#include <stdint.h>
#include <spindle/abi.h>
#include <spindle/errno.h>
#include <spindle/linux_abi.h>
#include <spindle/linux_syscalls.h>
#include <spindle/syscall_nums.h>
#include "kernel/fs/fdtable.h"
#include "proc/process.h"

/* Runs native call nr and converts its ERR + thread error into -errno. Only for calls whose
 * successful result can never be ERR (NULL-returning calls: linux_native_ptr). */
int64_t linux_native(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                     uint64_t a4, uint64_t a5);
int64_t linux_native_ptr(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                         uint64_t a4, uint64_t a5);
#define LN0(nr)                 linux_native(nr, 0, 0, 0, 0, 0, 0)
#define LN1(nr, a)              linux_native(nr, (uint64_t)(a), 0, 0, 0, 0, 0)
#define LN2(nr, a, b)           linux_native(nr, (uint64_t)(a), (uint64_t)(b), 0, 0, 0, 0)
#define LN3(nr, a, b, c)        linux_native(nr, (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), 0, 0, 0)

/* The calling process's descriptor table. */
static inline fdtable_t *linux_fds(void)
{
    return process_current()->fdt;
}

/* Linux's timespec to nanoseconds: 0, EFAULT or EINVAL (negative or nsec >= 1e9). */
int linux_timespec_read(const void *uts, uint64_t *ns);
int linux_timespec_write(void *uts, uint64_t ns);


/* clone(CLONE_VM | CLONE_VFORK) (linux_proc.c). */
int64_t linux_clone_vfork(uint64_t flags, void *stack);

#endif
