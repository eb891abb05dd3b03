/*
 * linux_file.c - Linux descriptor calls: read, write, readv, writev, pread64, pwrite64, open,
 * openat, close, lseek, dup, dup2, dup3, fcntl, pipe, pipe2, ioctl, poll, ppoll. They go to
 * the native handlers (syscall/sys_file.c, sys_fs_extra.c) after translating flags; Linux's
 * FD_CLOEXEC is the native close-on-spawn bit (a Linux program starts new programs only
 * through execve, which closes those descriptors).
 */
#include "kernel/fs/devfs.h"
#include "kernel/uaccess.h"
#include "mm/heap.h"
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

/* Positioned I/O on a seekable file: the file position is saved and put back around a
 * native read or write (not atomic against another thread using the same open file). */
static int64_t linux_pio(uint64_t nr, uint64_t fd, uint64_t buf, uint64_t count, int64_t off)
{
    if (off < 0)
        return -EINVAL;
    file_t *f = fdtable_get(linux_fds(), (int64_t)fd);
    if (!f)
        return -EBADF;
    int64_t r = -ESPIPE, was = f->vnode && f->vnode->type == VNODE_FILE ? file_seek(f, 0, SEEK_CUR) : -1;
    if (was >= 0 && file_seek(f, off, SEEK_SET) >= 0) {
        r = LN3(nr, fd, buf, count);
        file_seek(f, was, SEEK_SET);
    }
    file_put(f);
    return r;
}

int64_t linux_sys_pread64(uint64_t fd, void *buf, uint64_t count, int64_t offset)
{
    return linux_pio(SYS_READ, fd, (uint64_t)buf, count, offset);
}

int64_t linux_sys_pwrite64(uint64_t fd, const void *buf, uint64_t count, int64_t offset)
{
    return linux_pio(SYS_WRITE, fd, (uint64_t)buf, count, offset);
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
    return LN3(SYS_SEEK, fd, offset, whence);
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

/* ---- poll ---- */

int64_t linux_sys_poll(void *fds, uint64_t nfds, int64_t timeout_ms)
{
    int64_t ms = (int32_t)timeout_ms;
    uint64_t ns = ms < 0 ? CLOCK_NEVER : (uint64_t)ms * 1000000;
    return LN3(SYS_POLL, fds, nfds, ns);
}

int64_t linux_sys_ppoll(void *fds, uint64_t nfds, void *tsp, void *sigmask)
{
    (void)sigmask; /* no signals are delivered yet */
    uint64_t ns = CLOCK_NEVER;
    if (tsp) {
        int err = linux_timespec_read(tsp, &ns);
        if (err)
            return -err;
    }
    return LN3(SYS_POLL, fds, nfds, ns);
}

/* select: the three fd_set bitmaps become poll entries (read: POLLIN, write: POLLOUT;
 * exceptional conditions do not exist here, so that set comes back empty), the same wait as
 * poll, then the bitmaps are rewritten with what is ready. Descriptors stop at FDTABLE_MAX. */
static int select_sets_read(const void *u, uint64_t *set, uint64_t nfds)
{
    *set = 0;
    if (!u)
        return 0;
    uint8_t bytes[(FDTABLE_MAX + 7) / 8] = { 0 };
    if (copy_from_user(bytes, u, (size_t)((nfds + 7) / 8)))
        return EFAULT;
    for (uint64_t fd = 0; fd < nfds; fd++)
        if (bytes[fd / 8] >> (fd % 8) & 1)
            *set |= 1ULL << fd;
    return 0;
}

static int select_sets_write(void *u, uint64_t set, uint64_t nfds)
{
    uint8_t bytes[(FDTABLE_MAX + 7) / 8] = { 0 };
    for (uint64_t fd = 0; fd < nfds; fd++)
        if (set >> fd & 1)
            bytes[fd / 8] |= (uint8_t)(1u << (fd % 8));
    return u && copy_to_user(u, bytes, (size_t)((nfds + 7) / 8)) ? EFAULT : 0;
}

static int64_t select_wait(int64_t nfds, void *rfds, void *wfds, void *efds, uint64_t timeout)
{
    nfds = (int32_t)nfds;
    if (nfds < 0)
        return -EINVAL;
    if (nfds > FDTABLE_MAX)
        nfds = FDTABLE_MAX; /* no descriptor lies above: their bits must be clear */
    uint64_t rs, ws, es;
    int err = select_sets_read(rfds, &rs, (uint64_t)nfds);
    if (!err)
        err = select_sets_read(wfds, &ws, (uint64_t)nfds);
    if (!err)
        err = select_sets_read(efds, &es, (uint64_t)nfds);
    if (err)
        return -err;
    pollfd_t p[FDTABLE_MAX];
    size_t n = 0, ready;
    for (int64_t fd = 0; fd < nfds; fd++) {
        uint16_t ev = (uint16_t)((rs >> fd & 1 ? POLLIN : 0) | (ws >> fd & 1 ? POLLOUT : 0));
        if (!ev && !(es >> fd & 1))
            continue;
        file_t *f = fdtable_get(linux_fds(), fd);
        if (!f)
            return -EBADF; /* as Linux: a closed descriptor in any set, before waiting */
        file_put(f);
        p[n++] = (pollfd_t){ .fd = (int32_t)fd, .events = ev };
    }
    err = sys_poll_wait(p, n, timeout, &ready);
    if (err)
        return -err;
    uint64_t ro = 0, wo = 0;
    int64_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if ((p[i].events & POLLIN) && (p[i].revents & (POLLIN | POLLHUP | POLLERR)))
            ro |= 1ULL << p[i].fd, count++;
        if ((p[i].events & POLLOUT) && (p[i].revents & (POLLOUT | POLLERR)))
            wo |= 1ULL << p[i].fd, count++;
    }
    err = select_sets_write(rfds, ro, (uint64_t)nfds);
    if (!err)
        err = select_sets_write(wfds, wo, (uint64_t)nfds);
    if (!err)
        err = select_sets_write(efds, 0, (uint64_t)nfds);
    return err ? -err : count;
}

int64_t linux_sys_select(int64_t nfds, void *rfds, void *wfds, void *efds, void *utimeout)
{
    uint64_t timeout = CLOCK_NEVER;
    linux_timeval_t tv;
    if (utimeout) {
        if (copy_from_user(&tv, utimeout, sizeof tv))
            return -EFAULT;
        if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
            return -EINVAL;
        timeout = (uint64_t)tv.tv_sec * 1000000000ULL + (uint64_t)tv.tv_usec * 1000;
    }
    return select_wait(nfds, rfds, wfds, efds, timeout);
}

int64_t linux_sys_pselect6(int64_t nfds, void *rfds, void *wfds, void *efds, void *tsp,
                           void *sigmask)
{
    (void)sigmask; /* no signals are delivered yet */
    uint64_t timeout = CLOCK_NEVER;
    if (tsp) {
        int err = linux_timespec_read(tsp, &timeout);
        if (err)
            return -err;
    }
    return select_wait(nfds, rfds, wfds, efds, timeout);
}

/* sendfile: read from in_fd, write to out_fd, through a kernel buffer (the same file ops the
 * native read and write use). With offset, in_fd's position is saved and put back around the
 * copy, as pread does; *offset moves by what was copied. */
#define SENDFILE_CHUNK 16384

static int64_t sendfile_copy(file_t *in, file_t *out, uint64_t count)
{
    uint8_t *k = kmalloc(SENDFILE_CHUNK);
    if (!k)
        return -ENOMEM;
    int64_t done = 0, r = 0;
    while ((uint64_t)done < count) {
        size_t want = count - (uint64_t)done < SENDFILE_CHUNK ? (size_t)(count - (uint64_t)done)
                                                             : SENDFILE_CHUNK;
        uint64_t before = in->offset;
        r = file_read(in, k, want);
        if (r <= 0)
            break;
        int64_t w = file_write(out, k, (size_t)r);
        if (w < r) /* what was read and not written goes back to the input */
            file_read_done(in, (size_t)r, w > 0 ? (size_t)w : 0, before);
        if (w < 0) {
            r = w;
            break;
        }
        done += w;
        if (w < r)
            break;
    }
    kfree(k);
    return done ? done : r < 0 ? r : 0;
}

int64_t linux_sys_sendfile(uint64_t out_fd, uint64_t in_fd, void *uoffset, uint64_t count)
{
    file_t *in = fdtable_get(linux_fds(), (int64_t)in_fd), *out = NULL;
    int64_t r = -EBADF, off = 0, was = -1;
    if (!in || !(out = fdtable_get(linux_fds(), (int64_t)out_fd)))
        goto done;
    if (uoffset) {
        r = copy_from_user(&off, uoffset, sizeof off) ? -EFAULT : off < 0 ? -EINVAL : 0;
        if (!r && (was = file_seek(in, 0, SEEK_CUR)) < 0)
            r = -ESPIPE;
        if (!r && file_seek(in, off, SEEK_SET) < 0)
            r = -EINVAL;
        if (r)
            goto done;
    }
    r = sendfile_copy(in, out, count);
    if (uoffset) {
        off = file_seek(in, 0, SEEK_CUR);
        file_seek(in, was, SEEK_SET);
        if (copy_to_user(uoffset, &off, sizeof off) && r >= 0)
            r = -EFAULT;
    }
done:
    if (in)
        file_put(in);
    if (out)
        file_put(out);
    return r;
}

/* ---- sizes and syncing ---- */

/* Everything lives in memory: a sync has nothing to write, it only checks the descriptor. */
int64_t linux_sys_fsync(uint64_t fd)
{
    file_t *f = fdtable_get(linux_fds(), (int64_t)fd);
    if (!f)
        return -EBADF;
    file_put(f);
    return 0;
}

int64_t linux_sys_fdatasync(uint64_t fd)
{
    return linux_sys_fsync(fd);
}

int64_t linux_sys_ftruncate(uint64_t fd, int64_t length)
{
    if (length < 0)
        return -EINVAL;
    file_t *f = fdtable_get(linux_fds(), (int64_t)fd);
    if (!f)
        return -EBADF;
    int err = file_truncate(f, (uint64_t)length);
    file_put(f);
    return -err;
}

int64_t linux_sys_truncate(const char *upath, int64_t length)
{
    if (length < 0)
        return -EINVAL;
    int64_t fd = LN2(SYS_OPEN, upath, O_WRONLY);
    if (fd < 0)
        return fd;
    int64_t r = linux_sys_ftruncate((uint64_t)fd, length);
    LN1(SYS_CLOSE, fd);
    return r;
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
