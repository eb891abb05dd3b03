/*
 * linux_file.c - Linux descriptor calls: read, write, readv, writev, pread64, pwrite64, open,
 * openat, close, lseek, dup, dup2, dup3, fcntl, pipe, pipe2, ioctl, close_range. They go to
 * the native handlers (syscall/sys_file.c) after translating flags; Linux's
 * FD_CLOEXEC is the native close-on-spawn bit (a Linux program starts new programs only
 * through execve, which closes those descriptors).
 */
#include "kernel/fs/devfs.h"
#include "kernel/uaccess.h"
#include "syscall/linux/linux.h"
#include "syscall/sys_file.h"

#define LINUX_IOV_MAX 1024
#define LINUX_OPEN_KNOWN (LINUX_O_ACCMODE | LINUX_O_CREAT | LINUX_O_EXCL | LINUX_O_TRUNC | \
                          LINUX_O_APPEND | LINUX_O_NONBLOCK | LINUX_O_DIRECTORY | LINUX_O_CLOEXEC)

int64_t linux_sys_read(uint64_t fd, void *buf, uint64_t count)
{
    return LN3(SYS_READ, fd, buf, count);
}

int64_t linux_sys_write(uint64_t fd, const void *buf, uint64_t count)
{
    return LN3(SYS_WRITE, fd, buf, count);
}

/* readv/writev: one native read or write per buffer, stopping at the first short one (what a
 * stream gave, or the end of a file) and reporting bytes already moved over a later error. */
static int64_t linux_iov(uint64_t nr, uint64_t fd, const void *uiov, int64_t count)
{
    int32_t iovcnt = (int32_t)count; /* an int in C: the upper half of the register is junk */
    if (iovcnt < 0 || iovcnt > LINUX_IOV_MAX)
        return -EINVAL;
    int64_t done = 0;
    for (int32_t i = 0; i < iovcnt; i++) {
        linux_iovec_t v;
        if (copy_from_user(&v, (const linux_iovec_t *)uiov + i, sizeof v))
            return done ? done : -EFAULT;
        if (!v.len && iovcnt > 1)
            continue;
        int64_t n = LN3(nr, fd, v.base, v.len);
        if (n < 0)
            return done ? done : n;
        done += n;
        if ((uint64_t)n < v.len)
            break;
    }
    return done;
}

int64_t linux_sys_readv(uint64_t fd, void *iov, int64_t iovcnt)
{
    return linux_iov(SYS_READ, fd, iov, iovcnt);
}

int64_t linux_sys_writev(uint64_t fd, void *iov, int64_t iovcnt)
{
    return linux_iov(SYS_WRITE, fd, iov, iovcnt);
}

int64_t linux_sys_pread64(uint64_t fd, void *buf, uint64_t count, int64_t offset)
{
    return offset < 0 ? -EINVAL : sys_file_transfer_at(fd, UPTR(buf), count, (uint64_t)offset, false);
}

int64_t linux_sys_pwrite64(uint64_t fd, const void *buf, uint64_t count, int64_t offset)
{
    return offset < 0 ? -EINVAL : sys_file_transfer_at(fd, UPTR(buf), count, (uint64_t)offset, true);
}

int64_t linux_sys_openat(uint64_t dirfd, const char *path, uint64_t flags, uint64_t mode)
{
    (void)mode; /* no permissions yet */
    /* O_CREAT | O_DIRECTORY makes a directory natively; on Linux it is an error. */
    if ((flags & (LINUX_O_CREAT | LINUX_O_DIRECTORY)) == (LINUX_O_CREAT | LINUX_O_DIRECTORY))
        return -EINVAL;
    if ((flags & LINUX_O_ACCMODE) == 3)
        return -EINVAL;
    _Static_assert(LINUX_O_CLOEXEC == O_CLOSPAWN && LINUX_O_DIRECTORY == O_DIRECTORY,
                   "Linux open flags are the native values");
    return LN3(SYS_OPENAT, (uint64_t)(int64_t)(int32_t)dirfd, path, flags & LINUX_OPEN_KNOWN);
}

int64_t linux_sys_open(const char *path, uint64_t flags, uint64_t mode)
{
    return linux_sys_openat(AT_FDCWD, path, flags, mode);
}

int64_t linux_sys_close(uint64_t fd)
{
    return LN1(SYS_CLOSE, fd);
}

int64_t linux_sys_lseek(uint64_t fd, int64_t offset, uint64_t whence)
{
    if (whence > 2) /* SEEK_DATA and SEEK_HOLE are not offered */
        return -EINVAL;
    int64_t r = LN3(SYS_SEEK, fd, offset, whence);
    file_t *f = r == 0 ? fdtable_get(linux_fds(), (int64_t)fd) : NULL;
    if (f) { /* rewinddir: getdents64 starts over with "." and ".." */
        __atomic_fetch_and(&f->flags, ~FILE_DOTS_DONE, __ATOMIC_RELAXED);
        file_put(f);
    }
    return r;
}

int64_t linux_sys_dup(uint64_t fd)
{
    return LN1(SYS_DUP, fd);
}

int64_t linux_sys_dup2(uint64_t oldfd, uint64_t newfd)
{
    return LN2(SYS_DUP2, oldfd, newfd);
}

int64_t linux_sys_dup3(uint64_t oldfd, uint64_t newfd, uint64_t flags)
{
    if ((flags & ~(uint64_t)LINUX_O_CLOEXEC) || oldfd == newfd)
        return -EINVAL;
    int64_t r = LN2(SYS_DUP2, oldfd, newfd);
    if (r >= 0 && flags)
        fdtable_set_clospawn(linux_fds(), r, true);
    return r;
}

/* O_NONBLOCK on the open file, as the native IOCTL_NONBLOCK does it. */
static int64_t linux_set_nonblock(uint64_t fd, bool on)
{
    file_t *f = fdtable_get(linux_fds(), (int64_t)fd);
    if (!f)
        return -EBADF;
    file_set_nonblock(f, on);
    file_put(f);
    return 0;
}

static int64_t fcntl_dupfd(uint64_t fd, uint64_t min, bool cloexec)
{
    file_t *f = fdtable_get(linux_fds(), (int64_t)fd);
    if (!f)
        return -EBADF;
    int newfd;
    int err = fdtable_install_from(linux_fds(), f, cloexec, (int64_t)(int32_t)min, &newfd);
    if (err) {
        file_put(f);
        return -err;
    }
    return newfd;
}

int64_t linux_sys_fcntl(uint64_t fd, int64_t cmd, uint64_t arg)
{
    bool on;
    int err;
    file_t *f;
    switch ((int32_t)cmd) {
    case LINUX_F_DUPFD:
    case LINUX_F_DUPFD_CLOEXEC:
        return fcntl_dupfd(fd, arg, cmd == LINUX_F_DUPFD_CLOEXEC);
    case LINUX_F_GETFD:
        err = fdtable_get_clospawn(linux_fds(), (int64_t)fd, &on);
        return err ? -err : on ? LINUX_FD_CLOEXEC : 0;
    case LINUX_F_SETFD:
        return -fdtable_set_clospawn(linux_fds(), (int64_t)fd, arg & LINUX_FD_CLOEXEC);
    case LINUX_F_GETFL:
        f = fdtable_get(linux_fds(), (int64_t)fd);
        if (!f)
            return -EBADF;
        uint32_t fl = __atomic_load_n(&f->flags, __ATOMIC_RELAXED);
        file_put(f);
        return fl & (LINUX_O_ACCMODE | LINUX_O_APPEND | LINUX_O_NONBLOCK);
    case LINUX_F_SETFL: /* only O_NONBLOCK can change (O_APPEND is fixed at open) */
        return linux_set_nonblock(fd, arg & LINUX_O_NONBLOCK);
    default:
        return -EINVAL;
    }
}

/* The native open2 of a pipe, with Linux's flags applied to both ends. */
int64_t linux_sys_pipe2(void *ufds, uint64_t flags)
{
    if (flags & ~(uint64_t)(LINUX_O_CLOEXEC | LINUX_O_NONBLOCK))
        return -EINVAL;
    file_t *r, *w;
    int err = pipe_open2(NULL, &r, &w);
    if (err)
        return -err;
    file_set_nonblock(r, flags & LINUX_O_NONBLOCK);
    file_set_nonblock(w, flags & LINUX_O_NONBLOCK);
    int32_t fds[2];
    err = sys_install_pair(r, w, flags & LINUX_O_CLOEXEC, fds);
    if (err)
        return -err;
    if (copy_to_user(ufds, fds, sizeof fds)) {
        fdtable_close(linux_fds(), fds[0]);
        fdtable_close(linux_fds(), fds[1]);
        return -EFAULT;
    }
    return 0;
}

int64_t linux_sys_pipe(void *ufds)
{
    return linux_sys_pipe2(ufds, 0);
}

/* A terminal is the console; everything else is not a tty (ENOTTY, as isatty() expects). */
int64_t linux_sys_ioctl(uint64_t fd, uint64_t request, void *arg)
{
    file_t *f = fdtable_get(linux_fds(), (int64_t)fd);
    if (!f)
        return -EBADF;
    bool tty = f->ops == &dev_console_fops;
    file_put(f);
    if (request == LINUX_FIONBIO) {
        uint32_t on;
        if (copy_from_user(&on, arg, sizeof on))
            return -EFAULT;
        return linux_set_nonblock(fd, on != 0);
    }
    if (!tty)
        return -ENOTTY;
    if (request == LINUX_TIOCGWINSZ) {
        linux_winsize_t ws = { .ws_row = 25, .ws_col = 80 };
        return copy_to_user(arg, &ws, sizeof ws) ? -EFAULT : 0;
    }
    if (request == LINUX_TCGETS) {
        /* What a cooked terminal reports: ICRNL, OPOST|ONLCR, B38400|CS8|CREAD,
         * ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN; c_cc left zero. */
        linux_termios_t t = { .c_iflag = 0x100, .c_oflag = 0x5, .c_cflag = 0xbf,
                              .c_lflag = 0x8a3b };
        return copy_to_user(arg, &t, sizeof t) ? -EFAULT : 0;
    }
    return -EINVAL;
}

/* close_range: closes (or, with CLOSE_RANGE_CLOEXEC, marks close-on-exec) every open
 * descriptor in [first, last]; descriptors stop at FDTABLE_MAX. */
#define LINUX_CLOSE_RANGE_CLOEXEC 4

int64_t linux_sys_close_range(uint64_t first, uint64_t last, uint64_t flags)
{
    if (flags & ~(uint64_t)LINUX_CLOSE_RANGE_CLOEXEC || (uint32_t)first > (uint32_t)last)
        return -EINVAL;
    for (uint64_t fd = (uint32_t)first; fd <= (uint32_t)last && fd < FDTABLE_MAX; fd++) {
        if (flags & LINUX_CLOSE_RANGE_CLOEXEC)
            fdtable_set_clospawn(linux_fds(), (int64_t)fd, true);
        else
            fdtable_close(linux_fds(), (int64_t)fd);
    }
    return 0;
}
