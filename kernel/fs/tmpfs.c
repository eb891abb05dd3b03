/*
 * tmpfs.c - directories and files in RAM (see tmpfs.h). Every function runs under
 * vfs_lock (namespace ops are called with it held; the file ops take it themselves).
 * A file's data is a radix tree of physical pages (tmpfs_radix.c; a missing page is a hole
 * that reads as zeros), reached through the direct map. Data pages and index nodes alike are
 * charged to the file system's limit (pages_used) and never taken from the kernel's reserve
 * (aspace_page_alloc), so no write can leave the kernel unable to copy a path for remove()
 * or to tear a process down.
 */
#include "kernel/fs/tmpfs.h"
#include "kernel/fs/tmpfs_radix.h"
#include <spindle/errno.h>
#include "kernel/lib/string.h"
#include "kernel/panic.h"
#include "kernel/time/clock.h"
#include "mm/heap.h"
#include "mm/hhdm.h"
#include "mm/aspace.h"
#include "mm/pmm.h"

#define PAGE 4096ULL

typedef struct tmpfs_dirent {
    struct tmpfs_dirent *next;
    vnode_t *vnode;
    uint64_t serial;
    size_t len;
    char name[];
} tmpfs_dirent_t;

typedef struct {
    tmpfs_dirent_t *head, *tail;
    uint64_t next_serial;
} tmpfs_dir_t;

typedef struct {
    tmpfs_radix_t pages;  /* page index -> physical page */
} tmpfs_data_t;

/* Pages of file data and of page indexes, against the limit; under vfs_lock. */
static uint64_t pages_used, pages_max = (64ULL << 20) / PAGE;
static uint64_t nodes_used;

static const vnode_ops_t tmpfs_dir_ops, tmpfs_file_ops;
static const file_ops_t tmpfs_fops;

void tmpfs_set_limit(uint64_t max_bytes)
{
    pages_max = max_bytes / PAGE;
}

uint64_t tmpfs_limit(void)
{
    return pages_max * PAGE;
}

uint64_t tmpfs_bytes_used(void)
{
    return pages_used * PAGE;
}

static uint64_t tmpfs_now(void)
{
    return clock_unix_epoch() * 1000000000ULL;
}

static vnode_t *tmpfs_node_new(vnode_type_t type)
{
    if (nodes_used >= TMPFS_MAX_NODES)
        return NULL;
    bool dir = type == VNODE_DIR;
    vnode_t *v = vnode_alloc(type, dir ? &tmpfs_dir_ops : &tmpfs_file_ops, &tmpfs_fops);
    void *priv = dir ? kzalloc(sizeof(tmpfs_dir_t)) : kzalloc(sizeof(tmpfs_data_t));
    if (!v || !priv) {
        kfree(v);
        kfree(priv);
        return NULL;
    }
    v->priv = priv;
    v->mtime_ns = tmpfs_now();
    nodes_used++;
    return v;
}

vnode_t *tmpfs_create_root(void)
{
    fs_mutex_lock(&vfs_lock);
    vnode_t *root = tmpfs_node_new(VNODE_DIR);
    ASSERT(root);
    root->nlink = 1; /* the root is never removed */
    vnode_get_locked(root);
    fs_mutex_unlock(&vfs_lock);
    return root;
}

/* ---------------------------------------------------------------- file data */

/* A zeroed page for data or index, charged to the limit; 0 when the file system is full or
 * only the kernel's reserve is left. */
static uint64_t tmpfs_page_alloc(void)
{
    if (pages_used >= pages_max)
        return 0;
    uint64_t phys = aspace_page_alloc();
    if (!phys)
        return 0;
    memset(phys_to_virt(phys), 0, PAGE);
    pages_used++;
    return phys;
}

static void tmpfs_page_release(uint64_t phys)
{
    pmm_free(phys);
    pages_used--;
}

static int tmpfs_truncate(vnode_t *v, uint64_t size)
{
    tmpfs_data_t *d = v->priv;
    if (size < v->size) {
        uint64_t keep = (size + PAGE - 1) / PAGE;
        tmpfs_radix_free_from(&d->pages, keep, tmpfs_page_release);
        uint64_t last = keep ? tmpfs_radix_get(&d->pages, keep - 1) : 0;
        if (size % PAGE && last) /* zero the tail */
            memset((uint8_t *)phys_to_virt(last) + size % PAGE, 0, PAGE - size % PAGE);
    }
    v->size = size;
    v->mtime_ns = tmpfs_now();
    return 0;
}

/* The page holding byte offset, allocated (zeroed) if missing; 0 when the disk is full. */
static uint64_t tmpfs_page_for_write(tmpfs_data_t *d, uint64_t offset)
{
    uint64_t *slot = tmpfs_radix_slot(&d->pages, offset / PAGE, tmpfs_page_alloc);
    if (slot && !*slot)
        *slot = tmpfs_page_alloc();
    return slot ? *slot : 0;
}

int64_t tmpfs_write_locked(vnode_t *v, const void *buf, size_t n, uint64_t offset)
{
    tmpfs_data_t *d = v->priv;
    if (offset > (1ULL << 40) || n > (1ULL << 40))
        return -EFBIG;
    size_t done = 0;
    while (done < n) {
        uint64_t at = offset + done;
        uint64_t phys = tmpfs_page_for_write(d, at);
        if (!phys)
            break;
        size_t in_page = (size_t)(PAGE - at % PAGE);
        size_t chunk = n - done < in_page ? n - done : in_page;
        memcpy((uint8_t *)phys_to_virt(phys) + at % PAGE, (const uint8_t *)buf + done, chunk);
        done += chunk;
    }
    if (done && offset + done > v->size)
        v->size = offset + done;
    if (done)
        v->mtime_ns = tmpfs_now();
    return done ? (int64_t)done : (n ? -ENOSPC : 0);
}

static int64_t tmpfs_read_locked(vnode_t *v, void *buf, size_t n, uint64_t offset)
{
    tmpfs_data_t *d = v->priv;
    if (offset >= v->size)
        return 0;
    if (n > v->size - offset)
        n = (size_t)(v->size - offset);
    size_t done = 0;
    while (done < n) {
        uint64_t at = offset + done;
        uint64_t idx = at / PAGE;
        size_t in_page = (size_t)(PAGE - at % PAGE);
        size_t chunk = n - done < in_page ? n - done : in_page;
        uint8_t *dst = (uint8_t *)buf + done;
        uint64_t phys = tmpfs_radix_get(&d->pages, idx);
        if (phys)
            memcpy(dst, (uint8_t *)phys_to_virt(phys) + at % PAGE, chunk);
        else
            memset(dst, 0, chunk);
        done += chunk;
    }
    return (int64_t)n;
}

static int64_t tmpfs_fread(file_t *f, void *buf, size_t n)
{
    fs_mutex_lock(&vfs_lock);
    int64_t r = tmpfs_read_locked(f->vnode, buf, n, f->offset);
    if (r > 0)
        f->offset += (uint64_t)r;
    fs_mutex_unlock(&vfs_lock);
    return r;
}

static int64_t tmpfs_fwrite(file_t *f, const void *buf, size_t n)
{
    fs_mutex_lock(&vfs_lock);
    if (f->flags & O_APPEND)
        f->offset = f->vnode->size;
    int64_t r = tmpfs_write_locked(f->vnode, buf, n, f->offset);
    if (r > 0)
        f->offset += (uint64_t)r;
    fs_mutex_unlock(&vfs_lock);
    return r;
}

static int64_t tmpfs_fread_at(file_t *f, void *buf, size_t n, uint64_t offset)
{
    fs_mutex_lock(&vfs_lock);
    int64_t r = tmpfs_read_locked(f->vnode, buf, n, offset);
    fs_mutex_unlock(&vfs_lock);
    return r;
}

/* As Linux's pwrite: a file open with O_APPEND is appended to whatever the offset. */
static int64_t tmpfs_fwrite_at(file_t *f, const void *buf, size_t n, uint64_t offset)
{
    fs_mutex_lock(&vfs_lock);
    int64_t r = tmpfs_write_locked(f->vnode, buf, n, f->flags & O_APPEND ? f->vnode->size : offset);
    fs_mutex_unlock(&vfs_lock);
    return r;
}

static int tmpfs_read_page(file_t *f, uint64_t offset, void *page)
{
    fs_mutex_lock(&vfs_lock);
    int64_t n = tmpfs_read_locked(f->vnode, page, PAGE, offset);
    fs_mutex_unlock(&vfs_lock);
    memset((uint8_t *)page + n, 0, PAGE - (size_t)n);
    return 0;
}

static const file_ops_t tmpfs_fops = {
    .read = tmpfs_fread,
    .read_at = tmpfs_fread_at,
    .read_page = tmpfs_read_page,
    .write = tmpfs_fwrite,
    .write_at = tmpfs_fwrite_at,
    .seekable = true,
};

/* ---------------------------------------------------------------- directories */

static tmpfs_dirent_t *dir_find(vnode_t *dir, const char *name, size_t len,
                                tmpfs_dirent_t **prev)
{
    tmpfs_dir_t *d = dir->priv;
    tmpfs_dirent_t *p = NULL;
    for (tmpfs_dirent_t *e = d->head; e; p = e, e = e->next) {
        if (e->len == len && memcmp(e->name, name, len) == 0) {
            if (prev)
                *prev = p;
            return e;
        }
    }
    return NULL;
}

static int tmpfs_lookup(vnode_t *dir, const char *name, size_t len, vnode_t **out)
{
    tmpfs_dirent_t *e = dir_find(dir, name, len, NULL);
    if (!e)
        return ENOENT;
    vnode_get_locked(e->vnode);
    *out = e->vnode;
    return 0;
}

static int dir_add(vnode_t *dir, const char *name, size_t len, vnode_t *v)
{
    if (dir->dead)
        return ENOENT;
    if (dir_find(dir, name, len, NULL))
        return EEXIST;
    tmpfs_dirent_t *e = kmalloc(sizeof *e + len + 1);
    if (!e)
        return ENOSPC;
    tmpfs_dir_t *d = dir->priv;
    memcpy(e->name, name, len);
    e->name[len] = 0;
    e->len = len;
    e->vnode = v;
    e->serial = d->next_serial++;
    e->next = NULL;
    if (d->tail)
        d->tail->next = e;
    else
        d->head = e;
    d->tail = e;
    v->nlink++;
    dir->mtime_ns = tmpfs_now();
    return 0;
}

static int tmpfs_create(vnode_t *dir, const char *name, size_t len, vnode_type_t type,
                        vnode_t **out)
{
    if (type != VNODE_FILE && type != VNODE_DIR)
        return EINVAL;
    if (dir->dead)
        return ENOENT;
    if (dir_find(dir, name, len, NULL))
        return EEXIST;
    vnode_t *v = tmpfs_node_new(type);
    if (!v)
        return ENOSPC;
    int err = dir_add(dir, name, len, v);
    if (err) {
        v->ops->release(v);
        return err;
    }
    if (type == VNODE_DIR) { /* ".." must stay valid even after both are removed */
        v->parent = dir;
        vnode_get_locked(dir);
    }
    vnode_get_locked(v);
    *out = v;
    return 0;
}

static int tmpfs_link(vnode_t *dir, const char *name, size_t len, vnode_t *target)
{
    if (target->ops != &tmpfs_file_ops)
        return EXDEV;
    return dir_add(dir, name, len, target);
}

static bool tmpfs_is_empty(vnode_t *dir)
{
    return ((tmpfs_dir_t *)dir->priv)->head == NULL;
}

/* The VFS has checked: the entry exists, a directory is empty and is no mount point. */
static int tmpfs_unlink(vnode_t *dir, const char *name, size_t len)
{
    tmpfs_dirent_t *prev = NULL;
    tmpfs_dirent_t *e = dir_find(dir, name, len, &prev);
    if (!e)
        return ENOENT;
    tmpfs_dir_t *d = dir->priv;
    if (prev)
        prev->next = e->next;
    else
        d->head = e->next;
    if (d->tail == e)
        d->tail = prev;
    vnode_t *v = e->vnode;
    kfree(e);
    dir->mtime_ns = tmpfs_now();
    if (v->type == VNODE_DIR)
        v->dead = true;
    ASSERT(v->nlink > 0);
    if (--v->nlink == 0 && v->refs == 0)
        v->ops->release(v);
    return 0;
}

static int tmpfs_readdir(vnode_t *dir, uint64_t *cookie, vfs_dirent_t *out)
{
    tmpfs_dir_t *d = dir->priv;
    for (tmpfs_dirent_t *e = d->head; e; e = e->next) {
        if (e->serial < *cookie)
            continue;
        out->ino = e->vnode->ino;
        out->type = e->vnode->type;
        memcpy(out->name, e->name, e->len + 1);
        *cookie = e->serial + 1;
        return 0;
    }
    return ENOENT;
}

static void tmpfs_release(vnode_t *v)
{
    if (v->type == VNODE_DIR) {
        ASSERT(tmpfs_is_empty(v));
    } else {
        tmpfs_data_t *d = v->priv;
        tmpfs_radix_free_from(&d->pages, 0, tmpfs_page_release);
    }
    vnode_t *parent = v->parent;
    kfree(v->priv);
    kfree(v);
    nodes_used--;
    if (parent)
        vnode_put_locked(parent);
}

static const vnode_ops_t tmpfs_dir_ops = {
    .lookup = tmpfs_lookup,
    .create = tmpfs_create,
    .link = tmpfs_link,
    .unlink = tmpfs_unlink,
    .readdir = tmpfs_readdir,
    .is_empty = tmpfs_is_empty,
    .release = tmpfs_release,
};

static const vnode_ops_t tmpfs_file_ops = {
    .truncate = tmpfs_truncate,
    .release = tmpfs_release,
};
