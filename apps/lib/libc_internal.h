/* libc_internal.h - helpers shared by the user runtime's files (not installed for apps). */
#ifndef APPS_LIB_LIBC_INTERNAL_H
#define APPS_LIB_LIBC_INTERNAL_H

#include <errno.h>
#include <stdint.h>
#include <spindle/abi.h>
#include <spindle/syscall_stubs.h>

/* Converts a raw stub result to the POSIX convention: -1 with errno set (from SYS_ERRNO,
 * which reads the code the failing call recorded) when the call returned ERR. */
static inline long libc_result(uint64_t r)
{
    if (r == ERR) {
        errno = (int)sys_errno();
        return -1;
    }
    return (long)r;
}

/* Flushes every open stream (called by exit). */
void stdio_flush_all(void);

/* Writes all n bytes to fd, retrying short writes; -1 (errno set) on error. */
long libc_write_all(int fd, const void *p, size_t n);

#endif
