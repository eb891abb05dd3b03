/*
 * linux_stat.c - Linux calls that describe files: stat, fstat, lstat, newfstatat (Linux's
 * 144-byte struct stat), getdents64 (linux_dirent64 records, "." and ".." first, Linux DT_
 * types), access, faccessat, readlink (/proc/self/exe) and getcwd. They read the VFS through
 * the same services as the native stat, getdents and chdir.
 */
#include "kernel/lib/string.h"
#include "kernel/uaccess.h"
#include "mm/heap.h"
#include "syscall/linux/linux.h"
#include "syscall/sys_file.h"

#define DENTS_CHUNK 16384

static uint32_t mode_of(uint32_t type)
{
    switch (type) {
    case STAT_DIR:
        return LINUX_S_IFDIR | 0755;
    case STAT_DEV:
        return LINUX_S_IFCHR | 0666;
    case STAT_PIPE:
        return LINUX_S_IFIFO | 0600;
    default:
        return LINUX_S_IFREG | 0644;
    }
}

static int stat_out(void *ust, const stat_t *st)
{
    linux_stat_t l;
    memset(&l, 0, sizeof l);
    l.st_dev = 1;
    l.st_ino = st->ino;
    l.st_nlink = st->links ? st->links : 1;
    l.st_mode = mode_of(st->type);
    l.st_size = (int64_t)st->size;
    l.st_blksize = 4096;
    l.st_blocks = (int64_t)((st->size + 511) / 512);
    l.st_atime = l.st_mtime = l.st_ctime = st->mtime_ns / 1000000000;
    l.st_atime_nsec = l.st_mtime_nsec = l.st_ctime_nsec = st->mtime_ns % 1000000000;
    return copy_to_user(ust, &l, sizeof l) ? EFAULT : 0;
}

static int fd_stat(uint64_t fd, stat_t *st)
{
    file_t *f = fdtable_get(linux_fds(), (int64_t)fd);
    if (!f)
        return EBADF;
    file_stat(f, st);
    file_put(f);
    return 0;
}

/* Path relative to dirfd (ignored for an absolute path); "" with AT_EMPTY_PATH is dirfd. */
static int path_stat(uint64_t dirfd, const char *upath, uint64_t flags, stat_t *st)
{
    char *path;
    vnode_t *dir;
    int err = sys_path_copy(UPTR(upath), &path);
    if (err)
        return err;
    if (!path[0]) {
        kfree(path);
        return flags & LINUX_AT_EMPTY_PATH ? fd_stat(dirfd, st) : ENOENT;
    }
    err = sys_start_dir(path[0] == '/' ? AT_FDCWD : (uint64_t)(int64_t)(int32_t)dirfd, &dir);
    if (!err) {
        err = vfs_stat(dir, path, st);
        vnode_put(dir);
    }
    kfree(path);
    return err;
}

int64_t linux_sys_newfstatat(uint64_t dirfd, const char *path, void *st, uint64_t flags)
{
    stat_t s;
    if (flags & ~(uint64_t)(LINUX_AT_EMPTY_PATH | LINUX_AT_SYMLINK_NOFOLLOW | 0x800))
        return -EINVAL; /* 0x800: AT_NO_AUTOMOUNT, meaningless here */
    int err = path_stat(dirfd, path, flags, &s);
    return -(err ? err : stat_out(st, &s));
}

int64_t linux_sys_stat(const char *path, void *st)
{
    return linux_sys_newfstatat(AT_FDCWD, path, st, 0);
}

int64_t linux_sys_lstat(const char *path, void *st)
{
    return linux_sys_newfstatat(AT_FDCWD, path, st, LINUX_AT_SYMLINK_NOFOLLOW);
}

int64_t linux_sys_fstat(uint64_t fd, void *st)
{
    stat_t s;
    int err = fd_stat(fd, &s);
    return -(err ? err : stat_out(st, &s));
}

/* Everything exists for the one user with every right: only existence is checked. */
int64_t linux_sys_faccessat(uint64_t dirfd, const char *path, uint64_t mode)
{
    stat_t s;
    if (mode & ~7ULL)
        return -EINVAL;
    return -path_stat(dirfd, path, 0, &s);
}

int64_t linux_sys_access(const char *path, uint64_t mode)
{
    return linux_sys_faccessat(AT_FDCWD, path, mode);
}

int64_t linux_sys_getcwd(void *ubuf, uint64_t size)
{
    char *k = kmalloc(VFS_PATH_MAX);
    if (!k)
        return -ENOMEM;
    vnode_t *cwd = vfs_cwd_get(&process_current()->cwd);
    int err = vfs_path_of(cwd, k, VFS_PATH_MAX);
    vnode_put(cwd);
    size_t len = err ? 0 : strlen(k) + 1;
    if (!err && len > size)
        err = ERANGE;
    if (!err && copy_to_user(ubuf, k, len))
        err = EFAULT;
    kfree(k);
    return err ? -err : (int64_t)len;
}

/* There are no symbolic links; /proc/self/exe reads as the path the program was started
 * with (made absolute from the working directory it was started in). */
int64_t linux_sys_readlink(const char *upath, void *ubuf, uint64_t size)
{
    char *path;
    int err = sys_path_copy(UPTR(upath), &path);
    if (err)
        return -err;
    process_t *p = process_current();
    bool exe = strcmp(path, "/proc/self/exe") == 0;
    kfree(path);
    if (!exe || !p->exe_path)
        return -EINVAL;
    if ((int64_t)size <= 0)
        return -EINVAL;
    size_t len = strlen(p->exe_path);
    if (len > size)
        len = (size_t)size;
    return copy_to_user(ubuf, p->exe_path, len) ? -EFAULT : (int64_t)len;
}

/* ---- getdents64 ---- */

static uint8_t dt_of(uint32_t type)
{
    switch (type) {
    case STAT_DIR:
        return LINUX_DT_DIR;
    case STAT_DEV:
        return LINUX_DT_CHR;
    case STAT_PIPE:
        return LINUX_DT_FIFO;
    default:
        return LINUX_DT_REG;
    }
}

/* One record at buf; its length, or 0 when it does not fit in room. */
static size_t dirent64_pack(uint8_t *buf, size_t room, uint64_t ino, int64_t off, uint8_t type,
                            const char *name)
{
    size_t namelen = strlen(name);
    size_t reclen = (sizeof(linux_dirent64_t) + namelen + 1 + 7) & ~(size_t)7;
    if (reclen > room)
        return 0;
    memset(buf, 0, reclen);
    linux_dirent64_t *d = (linux_dirent64_t *)buf;
    d->d_ino = ino;
    d->d_off = off;
    d->d_reclen = (uint16_t)reclen;
    d->d_type = type;
    memcpy(buf + sizeof *d, name, namelen + 1);
    return reclen;
}

/* A VFS entry as a linux_dirent64; d_off is the position after it (the VFS cookie, past
 * the two dots). */
static size_t dirent64_pack_entry(uint8_t *buf, size_t room, const vfs_dirent_t *e,
                                  const file_t *f)
{
    return dirent64_pack(buf, room, e->ino, (int64_t)(f->offset + 2), dt_of(e->type), e->name);
}

/* The VFS lists neither "." nor "..": Linux programs expect both first. They go out before
 * the first entry, and FILE_DOTS_DONE on the open file says so (lseek to 0, rewinddir,
 * clears it: linux_sys_lseek). A copy-out that faults takes nothing: the position and the
 * dots go back as they were. */
int64_t linux_sys_getdents64(uint64_t fd, void *ubuf, uint64_t count)
{
    file_t *f = fdtable_get(linux_fds(), (int64_t)fd);
    if (!f)
        return -EBADF;
    if (!f->vnode || f->vnode->type != VNODE_DIR) {
        file_put(f);
        return -ENOTDIR;
    }
    size_t cap = count < DENTS_CHUNK ? (size_t)count : DENTS_CHUNK;
    uint8_t *k = kmalloc(cap ? cap : 1);
    int err = k ? 0 : ENOMEM;
    size_t used = 0;
    uint64_t start = f->offset;
    bool dots_now = false;
    if (!err && !(__atomic_load_n(&f->flags, __ATOMIC_RELAXED) & FILE_DOTS_DONE)) {
        vnode_t *v = f->vnode;
        size_t n = dirent64_pack(k, cap, v->ino, 1, LINUX_DT_DIR, ".");
        size_t m = n ? dirent64_pack(k + n, cap - n, v->parent ? v->parent->ino : v->ino, 2,
                                     LINUX_DT_DIR, "..") : 0;
        if (!m)
            err = EINVAL; /* not even room for the two dots */
        used = n + m;
        dots_now = true;
    }
    if (!err)
        err = sys_dir_fill(f, k, cap, &used, dirent64_pack_entry);
    if (!err && used && copy_to_user(ubuf, k, used)) {
        f->offset = start; /* nothing reached the caller: the next call returns them again */
        err = EFAULT;
    }
    if (!err && dots_now)
        __atomic_fetch_or(&f->flags, FILE_DOTS_DONE, __ATOMIC_RELAXED);
    kfree(k);
    file_put(f);
    return err ? -err : (int64_t)used;
}
