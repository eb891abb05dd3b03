/*
 * vnode.c - vnode allocation and reference counting (see vfs.h for the lifetime rule:
 * released when no reference and no directory entry is left). refs and nlink change only
 * under vfs_lock, so "last reference" and "last link" can never both miss the release.
 */
#include "kernel/fs/vfs.h"
#include "kernel/panic.h"
#include "mm/heap.h"

fs_mutex_t vfs_lock;
static uint64_t next_ino = 1;

uint64_t vnode_next_ino(void)
{
    return __atomic_fetch_add(&next_ino, 1, __ATOMIC_RELAXED);
}

vnode_t *vnode_alloc(vnode_type_t type, const vnode_ops_t *ops, const file_ops_t *fops)
{
    vnode_t *v = kzalloc(sizeof *v);
    if (!v)
        return NULL;
    v->type = type;
    v->ops = ops;
    v->fops = fops;
    v->ino = vnode_next_ino();
    return v;
}

void vnode_get_locked(vnode_t *v)
{
    ASSERT(fs_mutex_held(&vfs_lock));
    v->refs++;
}

void vnode_put_locked(vnode_t *v)
{
    ASSERT(fs_mutex_held(&vfs_lock));
    ASSERT(v->refs > 0);
    if (--v->refs == 0 && v->nlink == 0 && v->ops && v->ops->release)
        v->ops->release(v);
}

void vnode_get(vnode_t *v)
{
    fs_mutex_lock(&vfs_lock);
    vnode_get_locked(v);
    fs_mutex_unlock(&vfs_lock);
}

/* A process's working directory is read and replaced by its threads concurrently: both
 * happen under vfs_lock, and readers get their own reference, so a chdir in one thread cannot
 * free the directory another thread is walking from. */
vnode_t *vfs_cwd_get(vnode_t *const *slot)
{
    fs_mutex_lock(&vfs_lock);
    vnode_t *v = *slot;
    vnode_get_locked(v);
    fs_mutex_unlock(&vfs_lock);
    return v;
}

void vfs_cwd_set(vnode_t **slot, vnode_t *dir)
{
    fs_mutex_lock(&vfs_lock);
    vnode_t *old = *slot;
    *slot = dir;
    if (old)
        vnode_put_locked(old);
    fs_mutex_unlock(&vfs_lock);
}

void vnode_put(vnode_t *v)
{
    fs_mutex_lock(&vfs_lock);
    vnode_put_locked(v);
    fs_mutex_unlock(&vfs_lock);
}
