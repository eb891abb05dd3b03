/*
 * file.c - open files: shared objects with an offset and an access mode, reference counted
 * by descriptor slots (and by calls in progress, so a close in another thread cannot free a
 * file under a running read). Checks common to every kind of file live here; the kind
 * itself (tmpfs, device, pipe) is behind f->ops.
 */
#include "kernel/fs/vfs.h"
#include <spindle/errno.h>
#include "kernel/lib/string.h"
#include "kernel/panic.h"
#include "mm/heap.h"

file_t *file_alloc(vnode_t *v, const file_ops_t *ops, uint32_t flags)
{
    file_t *f = kzalloc(sizeof *f);
    if (!f)
        return NULL;
    f->refs = 1;
    f->vnode = v;
    f->ops = ops;
    f->flags = flags;
    return f;
}

void file_get(file_t *f)
{
    __atomic_add_fetch(&f->refs, 1, __ATOMIC_ACQ_REL);
}

void file_put(file_t *f)
{
    uint32_t left = __atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL);
    ASSERT(left != (uint32_t)-1);
    if (left)
        return;
    if (f->ops && f->ops->close)
        f->ops->close(f);
    if (f->vnode)
        vnode_put(f->vnode);
    kfree(f);
}

static bool file_readable(const file_t *f)
{
    return (f->flags & O_ACCMODE) != O_WRONLY;
}

static bool file_writable(const file_t *f)
{
    return (f->flags & O_ACCMODE) != O_RDONLY;
}

int64_t file_read(file_t *f, void *buf, size_t n)
{
    if (f->vnode && f->vnode->type == VNODE_DIR)
        return -EISDIR;
    if (!file_readable(f))
        return -EBADF;
    if (!f->ops || !f->ops->read)
        return -EINVAL;
    return f->ops->read(f, buf, n);
}

void file_read_done(file_t *f, size_t got, size_t kept, uint64_t offset_before)
{
    ASSERT(got > 0 && kept <= got);
    if (f->ops->read_done)
        f->ops->read_done(f, kept);
    else if (kept < got && f->ops->seekable)
        f->offset = offset_before + kept; /* as if only the kept bytes had been read */
}

int64_t file_write(file_t *f, const void *buf, size_t n)
{
    if (!file_writable(f))
        return -EBADF;
    if (!f->ops || !f->ops->write)
        return -EINVAL;
    return f->ops->write(f, buf, n);
}

int64_t file_read_at(file_t *f, void *buf, size_t n, uint64_t offset)
{
    if (f->vnode && f->vnode->type == VNODE_DIR)
        return -EISDIR;
    if (!file_readable(f))
        return -EBADF;
    if (!f->ops || !f->ops->read_at)
        return -ESPIPE;
    return f->ops->read_at(f, buf, n, offset);
}

int64_t file_write_at(file_t *f, const void *buf, size_t n, uint64_t offset)
{
    if (!file_writable(f))
        return -EBADF;
    if (!f->ops || !f->ops->write_at)
        return -ESPIPE;
    return f->ops->write_at(f, buf, n, offset);
}

int64_t file_seek(file_t *f, int64_t offset, uint64_t origin)
{
    bool dir = f->vnode && f->vnode->type == VNODE_DIR;
    if (!dir && (!f->ops || !f->ops->seekable))
        return -ESPIPE;
    fs_mutex_lock(&vfs_lock);
    int64_t base;
    switch (origin) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = (int64_t)f->offset; break;
    case SEEK_END: base = f->vnode ? (int64_t)f->vnode->size : 0; break;
    default: base = -1; break;
    }
    int64_t r = -EINVAL;
    if (base >= 0 && !(offset > 0 && base > INT64_MAX - offset) && base + offset >= 0) {
        f->offset = (uint64_t)(base + offset);
        r = (int64_t)f->offset;
    }
    fs_mutex_unlock(&vfs_lock);
    return r;
}

unsigned file_poll(file_t *f)
{
    if (f->ops && f->ops->poll)
        return f->ops->poll(f);
    return POLLIN | POLLOUT;
}

int file_readdir(file_t *f, vfs_dirent_t *out)
{
    vnode_t *v = f->vnode;
    if (!v || v->type != VNODE_DIR || !v->ops || !v->ops->readdir)
        return ENOTDIR;
    fs_mutex_lock(&vfs_lock);
    uint64_t cookie = f->offset;
    int err = v->ops->readdir(v, &cookie, out);
    if (!err)
        f->offset = cookie;
    fs_mutex_unlock(&vfs_lock);
    return err;
}

bool vfs_file_mappable(const file_t *f)
{
    return f->vnode && f->vnode->type == VNODE_FILE && f->ops && f->ops->read_page;
}

int vfs_file_read_page(file_t *f, uint64_t offset, void *page)
{
    if (!vfs_file_mappable(f) || (offset & 4095))
        return EINVAL;
    return f->ops->read_page(f, offset, page);
}

int file_truncate(file_t *f, uint64_t size)
{
    vnode_t *v = f->vnode;
    if (!v || v->type != VNODE_FILE || !v->ops || !v->ops->truncate)
        return EINVAL;
    if (!file_writable(f))
        return EBADF;
    if (size > FILE_SIZE_MAX)
        return EFBIG;
    fs_mutex_lock(&vfs_lock);
    int err = v->ops->truncate(v, size);
    fs_mutex_unlock(&vfs_lock);
    return err;
}

void file_stat(const file_t *f, stat_t *st)
{
    if (f->vnode) {
        vfs_stat_vnode(f->vnode, st);
        return;
    }
    memset(st, 0, sizeof *st);
    st->type = STAT_PIPE;
}

void file_set_nonblock(file_t *f, bool on)
{
    if (on)
        __atomic_fetch_or(&f->flags, (uint32_t)O_NONBLOCK, __ATOMIC_RELAXED);
    else
        __atomic_fetch_and(&f->flags, ~(uint32_t)O_NONBLOCK, __ATOMIC_RELAXED);
}
