/*
 * sys_file.c - the descriptor and path system calls: open, openat, open2, close, read,
 * write, seek, ioctl, chdir, stat, getdents, dup, dup2, remove, link. Each copies its user
 * arguments in first (paths through sys_path_copy), works on kernel copies, and moves data
 * through a kernel bounce buffer so no lock is ever held across a user copy. A fault after
 * some bytes moved returns the count so far; bytes whose copy-out faulted are never taken
 * (a file's offset, a directory's cookie and a pipe's contents stay where they were).
 */
#include "kernel/lib/string.h"
#include "kernel/uaccess.h"
#include "mm/heap.h"
#include "syscall/sys_file.h"
#include "syscall/syscall.h"

#define IO_CHUNK      16384
#define IOCTL_ARG_MAX 4096

static fdtable_t *my_fds(void)
{
    return process_current()->fdt;
}

/* Installs f (the caller's reference) as a new fd; the syscall result. */
static uint64_t fd_install(file_t *f, bool clospawn)
{
    int fd;
    int err = fdtable_install(my_fds(), f, clospawn, &fd);
    if (err) {
        file_put(f);
        return syscall_fail(err);
    }
    return (uint64_t)fd;
}

/* The directory a relative path starts from: the cwd, or dirfd's directory (+1 ref). */
int sys_start_dir(uint64_t dirfd, vnode_t **out)
{
    if (dirfd == AT_FDCWD) {
        *out = vfs_cwd_get(&process_current()->cwd);
        return 0;
    }
    file_t *f = fdtable_get(my_fds(), (int64_t)dirfd);
    if (!f)
        return EBADF;
    int err = f->vnode && f->vnode->type == VNODE_DIR ? 0 : ENOTDIR;
    if (!err) {
        *out = f->vnode;
        vnode_get(*out);
    }
    file_put(f);
    return err;
}

static uint64_t do_openat(uint64_t dirfd, uptr_t upath, uint64_t flags)
{
    char *path;
    vnode_t *dir = NULL;
    file_t *f = NULL;
    if (flags >> 32)
        return syscall_fail(EINVAL);
    int err = sys_path_copy(upath, &path);
    if (err)
        return syscall_fail(err);
    err = path[0] == '/' ? sys_start_dir(AT_FDCWD, &dir) : sys_start_dir(dirfd, &dir);
    if (!err)
        err = vfs_open(dir, path, (uint32_t)flags, &f);
    if (dir)
        vnode_put(dir);
    kfree(path);
    if (err)
        return syscall_fail(err);
    return fd_install(f, flags & O_CLOSPAWN);
}

SYSCALL_DEFINE(SYS_OPEN, uint64_t, uptr_t path, uint64_t flags)
{
    return do_openat(AT_FDCWD, path, flags);
}

SYSCALL_DEFINE(SYS_OPENAT, uint64_t, uint64_t dirfd, uptr_t path, uint64_t flags)
{
    return do_openat(dirfd, path, flags);
}

SYSCALL_DEFINE(SYS_OPEN2, uint64_t, uptr_t upath, uptr_t ufds)
{
    char *path;
    vnode_t *v = NULL;
    int err = sys_path_copy(upath, &path);
    if (err)
        return syscall_fail(err);
    vnode_t *cwd = vfs_cwd_get(&process_current()->cwd);
    fs_mutex_lock(&vfs_lock);
    err = vfs_walk_locked(cwd, path, &v);
    fs_mutex_unlock(&vfs_lock);
    vnode_put(cwd);
    kfree(path);
    if (err)
        return syscall_fail(err);
    file_t *a = NULL, *b = NULL;
    err = v->ops && v->ops->open2 ? v->ops->open2(v, &a, &b) : EINVAL;
    vnode_put(v);
    if (err)
        return syscall_fail(err);
    fd_pair_t pair;
    err = sys_install_pair(a, b, false, pair.fd);
    if (err)
        return syscall_fail(err);
    if (uaccess_write(ufds, &pair, sizeof pair)) {
        fdtable_close(my_fds(), pair.fd[0]);
        fdtable_close(my_fds(), pair.fd[1]);
        return syscall_fail(EFAULT);
    }
    return 0;
}

int sys_install_pair(file_t *a, file_t *b, bool clospawn, int32_t fds[2])
{
    int fa, fb;
    int err = fdtable_install(my_fds(), a, clospawn, &fa);
    if (err) {
        file_put(a);
        file_put(b);
        return err;
    }
    err = fdtable_install(my_fds(), b, clospawn, &fb);
    if (err) {
        fdtable_close(my_fds(), fa);
        file_put(b);
        return err;
    }
    fds[0] = fa;
    fds[1] = fb;
    return 0;
}

SYSCALL_DEFINE(SYS_CLOSE, uint64_t, uint64_t fd)
{
    int err = fdtable_close(my_fds(), (int64_t)fd);
    return err ? syscall_fail(err) : 0;
}

static bool file_is_regular(const file_t *f)
{
    return f->vnode && f->vnode->type == VNODE_FILE;
}

/* What read and write share: the open file (EBADF: nothing held), the user range check and
 * a kernel bounce buffer of min(count, IO_CHUNK) bytes. Any other error is returned with the
 * file held, for io_end. */
static int io_begin(uint64_t fd, uptr_t buf, uint64_t count, file_t **f, uint8_t **k,
                    size_t *cap)
{
    *k = NULL;
    *f = fdtable_get(my_fds(), (int64_t)fd);
    if (!*f)
        return EBADF;
    if (!uaccess_range_ok(buf.addr, count))
        return EFAULT;
    *cap = count < IO_CHUNK ? (size_t)count : IO_CHUNK;
    *k = kmalloc(*cap ? *cap : 1);
    return *k ? 0 : ENOMEM;
}

/* Releases what io_begin took; a call that moved bytes reports them, not its error. */
static uint64_t io_end(file_t *f, uint8_t *k, int err, uint64_t done)
{
    kfree(k);
    file_put(f);
    if (err && !done)
        return syscall_fail(err);
    return done;
}

/* Where a transfer happens: at the open file's position (moved by what was transferred), or
 * at a given offset with the position untouched (pread64/pwrite64). */
#define IO_AT_POSITION (-1)

/* The read loop of read and pread: up to count bytes of f into user buf through the bounce
 * buffer k (cap bytes). Returns the bytes copied out; *err is set when it stopped on one. */
static uint64_t io_read_loop(file_t *f, uint8_t *k, size_t cap, uptr_t buf, uint64_t count,
                             int64_t at, int *err)
{
    uint64_t done = 0;
    while (!*err && (done < count || count == 0)) {
        size_t want = count - done < cap ? (size_t)(count - done) : cap;
        uint64_t offset_before = f->offset;
        int64_t n = at == IO_AT_POSITION ? file_read(f, k, want)
                                         : file_read_at(f, k, want, (uint64_t)at + done);
        if (n < 0) {
            *err = (int)-n;
            break;
        }
        if (n) {
            bool copied = !uaccess_write(uptr_offset(buf, done), k, (size_t)n);
            if (at == IO_AT_POSITION)
                file_read_done(f, (size_t)n, copied ? (size_t)n : 0, offset_before);
            if (!copied) {
                *err = EFAULT; /* the bytes stay in the file or pipe for the next read */
                break;
            }
        }
        done += (uint64_t)n;
        /* Streams return what one read gave; files keep going to count or the end. */
        if ((size_t)n < want || !file_is_regular(f) || count == 0)
            break;
    }
    return done;
}

/* The write loop of write and pwrite, as io_read_loop. */
static uint64_t io_write_loop(file_t *f, uint8_t *k, size_t cap, uptr_t buf, uint64_t count,
                              int64_t at, int *err)
{
    uint64_t done = 0;
    while (!*err && done < count) {
        size_t want = count - done < cap ? (size_t)(count - done) : cap;
        if (uaccess_read(k, uptr_offset(buf, done), want)) {
            *err = EFAULT;
            break;
        }
        int64_t n = at == IO_AT_POSITION ? file_write(f, k, want)
                                         : file_write_at(f, k, want, (uint64_t)at + done);
        if (n < 0) {
            *err = (int)-n;
            break;
        }
        done += (uint64_t)n;
        if ((size_t)n < want)
            break;
    }
    if (!*err && count == 0) { /* a zero write still checks the fd */
        int64_t n = at == IO_AT_POSITION ? file_write(f, k, 0) : file_write_at(f, k, 0, (uint64_t)at);
        *err = n < 0 ? (int)-n : 0;
    }
    return done;
}

SYSCALL_DEFINE(SYS_READ, uint64_t, uint64_t fd, uptr_t buf, uint64_t count)
{
    file_t *f;
    uint8_t *k;
    size_t cap;
    int err = io_begin(fd, buf, count, &f, &k, &cap);
    if (err == EBADF)
        return syscall_fail(EBADF);
    uint64_t done = io_read_loop(f, k, cap, buf, count, IO_AT_POSITION, &err);
    return io_end(f, k, err, done);
}

SYSCALL_DEFINE(SYS_WRITE, uint64_t, uint64_t fd, uptr_t buf, uint64_t count)
{
    file_t *f;
    uint8_t *k;
    size_t cap;
    int err = io_begin(fd, buf, count, &f, &k, &cap);
    if (err == EBADF)
        return syscall_fail(EBADF);
    uint64_t done = io_write_loop(f, k, cap, buf, count, IO_AT_POSITION, &err);
    return io_end(f, k, err, done);
}

int64_t sys_file_transfer_at(uint64_t fd, uptr_t buf, uint64_t count, uint64_t offset,
                             bool write)
{
    file_t *f;
    uint8_t *k;
    size_t cap;
    if (offset > INT64_MAX)
        return -EINVAL;
    int err = io_begin(fd, buf, count, &f, &k, &cap);
    if (err == EBADF)
        return -EBADF;
    uint64_t done = 0;
    if (!err)
        done = write ? io_write_loop(f, k, cap, buf, count, (int64_t)offset, &err)
                     : io_read_loop(f, k, cap, buf, count, (int64_t)offset, &err);
    kfree(k);
    file_put(f);
    return err && !done ? -err : (int64_t)done;
}

SYSCALL_DEFINE(SYS_SEEK, uint64_t, uint64_t fd, int64_t offset, uint64_t origin)
{
    file_t *f = fdtable_get(my_fds(), (int64_t)fd);
    if (!f)
        return syscall_fail(EBADF);
    int64_t r = file_seek(f, offset, origin);
    file_put(f);
    return r < 0 ? syscall_fail((int)-r) : (uint64_t)r;
}

/* Requests every descriptor answers, on kernel copies of the argument. */
static int ioctl_generic(file_t *f, int64_t fd, uint64_t request, void *arg, size_t size)
{
    uint32_t on;
    switch (request) {
    case IOCTL_STAT:
        if (size != sizeof(stat_t))
            return EINVAL;
        file_stat(f, arg);
        return 0;
    case IOCTL_CLOSPAWN:
    case IOCTL_NONBLOCK:
        if (size != sizeof on)
            return EINVAL;
        memcpy(&on, arg, sizeof on);
        if (on > 1)
            return EINVAL;
        if (request == IOCTL_CLOSPAWN)
            return fdtable_set_clospawn(my_fds(), fd, on);
        file_set_nonblock(f, on);
        return 0;
    default:
        return f->ops && f->ops->ioctl ? f->ops->ioctl(f, request, arg, size) : ENOTTY;
    }
}

SYSCALL_DEFINE(SYS_IOCTL, uint64_t, uint64_t fd, uint64_t request, uptr_t arg, uint64_t size)
{
    if (size > IOCTL_ARG_MAX || (size && !arg.addr))
        return syscall_fail(EINVAL);
    file_t *f = fdtable_get(my_fds(), (int64_t)fd);
    if (!f)
        return syscall_fail(EBADF);
    uint8_t *k = kzalloc(size ? (size_t)size : 1);
    int err = k ? 0 : ENOMEM;
    if (!err && size && uaccess_read(k, arg, (size_t)size))
        err = EFAULT;
    if (!err)
        err = ioctl_generic(f, (int64_t)fd, request, k, (size_t)size);
    if (!err && size && uaccess_write(arg, k, (size_t)size))
        err = EFAULT;
    kfree(k);
    file_put(f);
    return err ? syscall_fail(err) : 0;
}

SYSCALL_DEFINE(SYS_CHDIR, uint64_t, uptr_t upath)
{
    char *path;
    vnode_t *dir;
    int err = sys_path_copy(upath, &path);
    if (err)
        return syscall_fail(err);
    process_t *p = process_current();
    vnode_t *cwd = vfs_cwd_get(&p->cwd);
    err = vfs_lookup_dir(cwd, path, &dir);
    vnode_put(cwd);
    kfree(path);
    if (err)
        return syscall_fail(err);
    vfs_cwd_set(&p->cwd, dir);
    return 0;
}

SYSCALL_DEFINE(SYS_STAT, uint64_t, uptr_t upath, uptr_t ust)
{
    char *path;
    stat_t st;
    int err = sys_path_copy(upath, &path);
    if (err)
        return syscall_fail(err);
    vnode_t *cwd = vfs_cwd_get(&process_current()->cwd);
    err = vfs_stat(cwd, path, &st);
    vnode_put(cwd);
    kfree(path);
    if (!err && uaccess_write(ust, &st, sizeof st))
        err = EFAULT;
    return err ? syscall_fail(err) : 0;
}

/* Packs one entry as a dirent_t at buf; its length, or 0 when it does not fit in room. */
static size_t dirent_pack(uint8_t *buf, size_t room, const vfs_dirent_t *e, const file_t *f)
{
    (void)f;
    size_t namelen = strlen(e->name);
    size_t reclen = (sizeof(dirent_t) + namelen + 1 + 7) & ~(size_t)7;
    if (reclen > room)
        return 0;
    dirent_t *d = (dirent_t *)buf;
    memset(d, 0, reclen);
    d->ino = e->ino;
    d->reclen = (uint16_t)reclen;
    d->namelen = (uint16_t)namelen;
    d->type = (uint8_t)e->type;
    memcpy(d->name, e->name, namelen + 1);
    return reclen;
}

int sys_dir_fill(file_t *f, uint8_t *buf, size_t cap, size_t *used, sys_dirent_pack_t pack)
{
    vfs_dirent_t *e = kmalloc(sizeof *e);
    if (!e)
        return ENOMEM;
    int err = 0;
    for (;;) {
        uint64_t before = f->offset;
        int r = file_readdir(f, e);
        if (r) {
            err = r == ENOENT ? 0 : r;
            break;
        }
        size_t n = pack(buf + *used, cap - *used, e, f);
        if (!n) {
            f->offset = before; /* give it back: the next call returns it */
            err = *used ? 0 : EINVAL;
            break;
        }
        *used += n;
    }
    kfree(e);
    return err;
}

SYSCALL_DEFINE(SYS_GETDENTS, uint64_t, uint64_t fd, uptr_t buf, uint64_t count)
{
    file_t *f = fdtable_get(my_fds(), (int64_t)fd);
    if (!f)
        return syscall_fail(EBADF);
    size_t cap = count < IO_CHUNK ? (size_t)count : IO_CHUNK;
    uint8_t *k = kmalloc(cap ? cap : 1);
    size_t used = 0;
    uint64_t start = f->offset;
    int err = k ? sys_dir_fill(f, k, cap, &used, dirent_pack) : ENOMEM;
    if (!err && used && uaccess_write(buf, k, used)) {
        f->offset = start; /* nothing reached the caller: the next call returns them again */
        err = EFAULT;
    }
    kfree(k);
    file_put(f);
    return err ? syscall_fail(err) : used;
}

SYSCALL_DEFINE(SYS_DUP, uint64_t, uint64_t fd)
{
    int newfd;
    int err = fdtable_dup(my_fds(), (int64_t)fd, &newfd);
    return err ? syscall_fail(err) : (uint64_t)newfd;
}

SYSCALL_DEFINE(SYS_DUP2, uint64_t, uint64_t oldfd, uint64_t newfd)
{
    int err = fdtable_dup2(my_fds(), (int64_t)oldfd, (int64_t)newfd);
    return err ? syscall_fail(err) : newfd;
}

SYSCALL_DEFINE(SYS_REMOVE, uint64_t, uptr_t upath)
{
    char *path;
    int err = sys_path_copy(upath, &path);
    if (err)
        return syscall_fail(err);
    vnode_t *cwd = vfs_cwd_get(&process_current()->cwd);
    err = vfs_remove(cwd, path);
    vnode_put(cwd);
    kfree(path);
    return err ? syscall_fail(err) : 0;
}

SYSCALL_DEFINE(SYS_LINK, uint64_t, uptr_t uold, uptr_t unew)
{
    char *oldp, *newp = NULL;
    int err = sys_path_copy(uold, &oldp);
    if (err)
        return syscall_fail(err);
    err = sys_path_copy(unew, &newp);
    if (!err) {
        vnode_t *cwd = vfs_cwd_get(&process_current()->cwd);
        err = vfs_link(cwd, oldp, newp);
        vnode_put(cwd);
    }
    kfree(oldp);
    kfree(newp);
    return err ? syscall_fail(err) : 0;
}
