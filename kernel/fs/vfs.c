/*
 * vfs.c - the namespace calls (open with create, remove, link, stat, mounts; bind is in
 * bind.c) and
 * boot-time assembly of the tree: a tmpfs root filled from the archive, devfs on /dev,
 * procfs on /proc. Each call holds vfs_lock for its walk and change, and never across a
 * device open that could block.
 */
#include "kernel/fs/vfs.h"
#include <spindle/errno.h>
#include "kernel/fs/devfs.h"
#include "kernel/fs/procfs.h"
#include "kernel/fs/tmpfs.h"
#include "kernel/kprintf.h"
#include "kernel/lib/string.h"
#include "kernel/panic.h"
#include "mm/heap.h"
#include "mm/pmm.h"

#define OPEN_FLAGS_KNOWN (O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_APPEND | O_NONBLOCK | \
                          O_DIRECTORY | O_CLOSPAWN)
#define OPEN_FILE_FLAGS  (O_ACCMODE | O_APPEND | O_NONBLOCK)
#define TMPFS_BASE_LIMIT (64ULL << 20)

static vnode_t *root_vnode;

vnode_t *vfs_root(void)
{
    return root_vnode;
}


/* The existing vnode for an O_CREAT open, or a new one. */
static int open_create_locked(vnode_t *cwd, const char *path, uint32_t flags, vnode_t **out)
{
    vnode_t *dir;
    const char *name;
    size_t len;
    bool must_be_dir;
    int err = vfs_walk_parent_locked(cwd, path, &dir, &name, &len, &must_be_dir);
    if (err)
        return err;
    vnode_t *v = NULL;
    if (len == 0 || path_is_dots(name, len)) {
        vnode_put_locked(dir);
        err = vfs_walk_locked(cwd, path, &v);
    } else {
        err = dir->ops && dir->ops->lookup ? dir->ops->lookup(dir, name, len, &v) : ENOENT;
        if (err == ENOENT) {
            bool mkdir = flags & O_DIRECTORY;
            if (must_be_dir && !mkdir)
                err = EISDIR;
            else if (!dir->ops || !dir->ops->create)
                err = EACCES;
            else
                err = dir->ops->create(dir, name, len, mkdir ? VNODE_DIR : VNODE_FILE, &v);
            vnode_put_locked(dir);
            if (!err)
                *out = v;
            return err;
        }
        vnode_put_locked(dir);
        if (!err)
            v = vfs_follow_mounts_locked(v);
        if (!err && must_be_dir && v->type != VNODE_DIR) {
            vnode_put_locked(v);
            err = ENOTDIR;
        }
    }
    if (!err && (flags & O_EXCL)) {
        vnode_put_locked(v);
        err = EEXIST;
    }
    if (!err)
        *out = v;
    return err;
}

static int open_check_locked(vnode_t *v, uint32_t flags)
{
    bool writes = (flags & O_ACCMODE) != O_RDONLY;
    if ((flags & O_ACCMODE) == O_ACCMODE)
        return EINVAL;
    if ((flags & O_DIRECTORY) && v->type != VNODE_DIR)
        return ENOTDIR;
    if (v->type == VNODE_DIR && (writes || (flags & O_TRUNC)))
        return EISDIR;
    if ((flags & O_TRUNC) && writes && v->type == VNODE_FILE && v->ops->truncate)
        return v->ops->truncate(v, 0);
    return 0;
}

int vfs_open(vnode_t *cwd, const char *path, uint32_t flags, file_t **out)
{
    if (flags & ~(uint32_t)OPEN_FLAGS_KNOWN)
        return EINVAL;
    vnode_t *v;
    fs_mutex_lock(&vfs_lock);
    int err = (flags & O_CREAT) ? open_create_locked(cwd, path, flags, &v)
                                : vfs_walk_locked(cwd, path, &v);
    if (!err) {
        err = open_check_locked(v, flags);
        if (err)
            vnode_put_locked(v);
    }
    fs_mutex_unlock(&vfs_lock);
    if (err)
        return err;
    file_t *f = file_alloc(v, v->fops, flags & OPEN_FILE_FLAGS);
    if (!f) {
        vnode_put(v);
        return ENOMEM;
    }
    if (v->ops && v->ops->open && (err = v->ops->open(v, f)) != 0) {
        file_put(f);
        return err;
    }
    *out = f;
    return 0;
}

int vfs_remove(vnode_t *cwd, const char *path)
{
    vnode_t *dir, *v = NULL;
    const char *name;
    size_t len;
    bool must_be_dir;
    fs_mutex_lock(&vfs_lock);
    int err = vfs_walk_parent_locked(cwd, path, &dir, &name, &len, &must_be_dir);
    if (err)
        goto out;
    if (len == 0)
        err = EBUSY; /* the root */
    else if (path_is_dots(name, len))
        err = EINVAL;
    else
        err = dir->ops && dir->ops->lookup ? dir->ops->lookup(dir, name, len, &v) : ENOENT;
    if (err)
        goto out_dir;
    if (v->mounted || v->covers || v == root_vnode)
        err = EBUSY;
    else if (must_be_dir && v->type != VNODE_DIR)
        err = ENOTDIR;
    else if (v->type == VNODE_DIR && !v->ops->is_empty(v))
        err = ENOTEMPTY;
    else
        err = dir->ops->unlink ? dir->ops->unlink(dir, name, len) : EACCES;
    vnode_put_locked(v);
out_dir:
    vnode_put_locked(dir);
out:
    fs_mutex_unlock(&vfs_lock);
    return err;
}

int vfs_link(vnode_t *cwd, const char *oldpath, const char *newpath)
{
    return vfs_link_at(cwd, oldpath, cwd, newpath);
}

int vfs_link_at(vnode_t *olddir, const char *oldpath, vnode_t *newdir, const char *newpath)
{
    vnode_t *v, *dir;
    const char *name;
    size_t len;
    bool must_be_dir;
    fs_mutex_lock(&vfs_lock);
    int err = vfs_walk_locked(olddir, oldpath, &v);
    if (err)
        goto out;
    if (v->type == VNODE_DIR) {
        err = EPERM;
        goto out_v;
    }
    err = vfs_walk_parent_locked(newdir, newpath, &dir, &name, &len, &must_be_dir);
    if (err)
        goto out_v;
    if (len == 0 || path_is_dots(name, len))
        err = EEXIST;
    else if (must_be_dir)
        err = ENOTDIR;
    else
        err = dir->ops && dir->ops->link ? dir->ops->link(dir, name, len, v) : EXDEV;
    vnode_put_locked(dir);
out_v:
    vnode_put_locked(v);
out:
    fs_mutex_unlock(&vfs_lock);
    return err;
}

void vfs_stat_vnode(const vnode_t *v, stat_t *st)
{
    memset(st, 0, sizeof *st);
    st->size = v->size;
    st->type = v->type;
    st->links = v->nlink;
    st->mtime_ns = v->mtime_ns;
    st->ino = v->ino;
}

int vfs_stat(vnode_t *cwd, const char *path, stat_t *st)
{
    vnode_t *v;
    fs_mutex_lock(&vfs_lock);
    int err = vfs_walk_locked(cwd, path, &v);
    if (!err) {
        vfs_stat_vnode(v, st);
        vnode_put_locked(v);
    }
    fs_mutex_unlock(&vfs_lock);
    return err;
}

int vfs_lookup_dir(vnode_t *cwd, const char *path, vnode_t **out)
{
    vnode_t *v;
    fs_mutex_lock(&vfs_lock);
    int err = vfs_walk_locked(cwd, path, &v);
    if (!err && v->type != VNODE_DIR) {
        vnode_put_locked(v);
        err = ENOTDIR;
    }
    fs_mutex_unlock(&vfs_lock);
    if (!err)
        *out = v;
    return err;
}

int vfs_mount(const char *path, vnode_t *root)
{
    vnode_t *mp;
    fs_mutex_lock(&vfs_lock);
    int err = vfs_walk_locked(root_vnode, path, &mp);
    if (!err && (mp->type != VNODE_DIR || mp->mounted)) {
        vnode_put_locked(mp);
        err = mp->type != VNODE_DIR ? ENOTDIR : EBUSY;
    }
    if (!err) {
        mp->mounted = root;
        root->covers = mp;
        vnode_get_locked(root);
    }
    fs_mutex_unlock(&vfs_lock);
    return err;
}

/* Reads up to n bytes of v from its start through a temporary open file. A node whose file
 * system prepares each open file (procfs renders its text then) goes through that step too,
 * or its read would find nothing prepared. */
static int vfs_read_into(vnode_t *v, uint8_t *buf, size_t n, size_t *size)
{
    file_t tmp = { .refs = 1, .flags = O_RDONLY, .vnode = v, .ops = v->fops };
    int err = 0;
    if (v->ops && v->ops->open && (err = v->ops->open(v, &tmp)) != 0)
        return err;
    int64_t got = tmp.ops && tmp.ops->read ? tmp.ops->read(&tmp, buf, n) : -EINVAL;
    if (tmp.ops && tmp.ops->close)
        tmp.ops->close(&tmp);
    if (got < 0)
        return (int)-got;
    *size = (size_t)got;
    return 0;
}

int vfs_read_whole(vnode_t *cwd, const char *path, size_t max, uint8_t **data, size_t *size)
{
    vnode_t *v;
    fs_mutex_lock(&vfs_lock);
    int err = vfs_walk_locked(cwd, path, &v);
    if (!err && v->type != VNODE_FILE) {
        vnode_put_locked(v);
        err = ENOENT;
    }
    uint64_t n = err ? 0 : v->size;
    fs_mutex_unlock(&vfs_lock);
    if (err)
        return err;
    uint8_t *buf = NULL;
    if (n > max)
        err = EFBIG;
    else if (!(buf = kmalloc(n ? (size_t)n : 1)))
        err = ENOMEM;
    if (!err) {
        /* A node whose file system prepares each open file (procfs renders its text then)
         * goes through that step too, or its read would find nothing prepared. */
        err = vfs_read_into(v, buf, (size_t)n, size);
    }
    vnode_put(v);
    if (err) {
        kfree(buf);
        return err;
    }
    *data = buf;
    return 0;
}

static void vfs_mkdir_boot(const char *path)
{
    file_t *f;
    int err = vfs_open(root_vnode, path, O_CREAT | O_DIRECTORY, &f);
    if (err)
        panic("vfs: cannot create %s: %s", path, spindle_errno_name(err));
    file_put(f);
}

void vfs_init(const void *archive, uint64_t archive_size, const boot_framebuffer_t *fb)
{
    uint64_t limit = TMPFS_BASE_LIMIT + archive_size;
    uint64_t half_free = (uint64_t)pmm_free_pages() * 4096 / 2;
    tmpfs_set_limit(limit < half_free ? limit : half_free);
    root_vnode = tmpfs_create_root();
    if (archive && archive_size) {
        fs_mutex_lock(&vfs_lock);
        tmpfs_import_tar_locked(root_vnode, archive, archive_size);
        fs_mutex_unlock(&vfs_lock);
    } else {
        kprintf("vfs: no root archive: the root is empty\n");
    }
    vfs_mkdir_boot("/dev");
    vfs_mkdir_boot("/proc");
    vfs_mkdir_boot("/tmp");
    /* /dev/shm: a writable tmpfs (sharing the root's limit) where shm_open makes its files. */
    if (vfs_mount("/dev", devfs_create(fb)) || vfs_mount("/proc", procfs_create()) ||
        vfs_mount("/dev/shm", tmpfs_create_root()))
        panic("vfs: cannot mount /dev, /proc and /dev/shm");
    kprintf("vfs: tmpfs root (limit %lu MiB), devfs on /dev, procfs on /proc, tmpfs on "
            "/dev/shm\n",
            (unsigned long)(tmpfs_limit() >> 20));
}
