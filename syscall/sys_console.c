/*
 * sys_console.c - write() on console descriptors (the only descriptors until the VFS).
 * The user buffer is copied through uaccess in small chunks; a fault after some bytes went
 * out returns the count written so far, as a partial write.
 */
#include "kernel/console/console.h"
#include "kernel/uaccess.h"
#include "sched/process.h"
#include "syscall/syscall.h"

#define WRITE_CHUNK 256

SYSCALL_DEFINE(SYS_WRITE, uint64_t, uint64_t fd, const void *buf, uint64_t count)
{
    process_t *p = process_current();
    if (fd >= PROCESS_MAX_FDS || p->fds[fd] != FD_CONSOLE)
        return syscall_fail(EBADF);
    if (!uaccess_range_ok((uint64_t)buf, count))
        return syscall_fail(EFAULT);
    char chunk[WRITE_CHUNK];
    uint64_t done = 0;
    while (done < count) {
        uint64_t n = count - done < WRITE_CHUNK ? count - done : WRITE_CHUNK;
        if (copy_from_user(chunk, (const char *)buf + done, n))
            return done ? done : syscall_fail(EFAULT);
        console_write(chunk, n);
        done += n;
    }
    return done;
}
