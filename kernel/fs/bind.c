/*
 * bind.c - bind and unbind: a directory made visible at a mountpoint inside /tmp, and taken
 * away again. The namespace is one for the whole system, so the rules keep any app from
 * hurting the others:
 *   - a mountpoint lies strictly inside /tmp (EPERM for /tmp itself and anything outside):
 *     nobody can hide /bin, /dev or /tmp from everyone;
 *   - the bind graph never loops (EBUSY): the directory must not be visible, through parent
 *     links and other binds, anywhere above the mountpoint, or the namespace would be
 *     endless (a walk of 2,039 components, `rm -r` running off its kernel stack);
 *   - transient directories (procfs, removed ones) cannot take part (EINVAL);
 *   - at most VFS_BIND_MAX binds exist at once (ENOSPC), each holding one reference on
 *     both of its directories until unbind.
 * Invariant: binds[] holds exactly the (mountpoint, directory) pairs with
 * mountpoint->mounted == directory made here; both under vfs_lock, like the rest of the
 * namespace.
 */
#include "kernel/fs/vfs.h"
#include <spindle/errno.h>
#include "kernel/panic.h"

#define VFS_BIND_MAX      64
#define VFS_BIND_WALK_MAX 8192 /* steps of the loop check before it refuses outright */

typedef struct {
    vnode_t *mountpoint;   /* the covered directory, inside /tmp */
    vnode_t *dir;          /* what is shown there */
} vfs_bind_t;

static vfs_bind_t binds[VFS_BIND_MAX]; /* free slots have mountpoint NULL; vfs_lock */

/* True when anc is d or one of its ancestors (through parents and covered mountpoints). */
static bool bind_is_ancestor_locked(const vnode_t *anc, vnode_t *d)
{
    for (int depth = 0; d && depth < VFS_BIND_WALK_MAX; depth++) {
        if (d == anc)
            return true;
        d = d->parent ? d->parent : d->covers;
    }
    return false;
}

/* True when d lies strictly inside /tmp: /tmp itself may not be covered. */
static bool bind_inside_tmp_locked(vnode_t *d)
{
    vnode_t *tmp;
    if (vfs_walk_locked(vfs_root(), "/tmp", &tmp))
        return false;
    bool inside = d != tmp && bind_is_ancestor_locked(tmp, d);
    vnode_put_locked(tmp);
    return inside;
}

/* True when binding dir at mp would make a loop: dir is already visible at mp or above it.
 * Walks up from mp through parent links and, at every directory that is shown somewhere by
 * a bind, through that bind's mountpoint too. A graph too tangled to finish counts as a
 * loop (refusing is always safe). */
static bool bind_would_loop_locked(vnode_t *dir, vnode_t *mp)
{
    vnode_t *todo[2 * VFS_BIND_MAX + 1];
    size_t top = 0, steps = 0;
    todo[top++] = mp;
    while (top) {
        for (vnode_t *d = todo[--top]; d; d = d->parent ? d->parent : d->covers) {
            if (d == dir || ++steps > VFS_BIND_WALK_MAX)
                return true;
            for (size_t i = 0; i < VFS_BIND_MAX; i++) {
                if (binds[i].mountpoint && binds[i].dir == d) {
                    if (top == sizeof todo / sizeof todo[0])
                        return true;
                    todo[top++] = binds[i].mountpoint;
                }
            }
        }
    }
    return false;
}

static vfs_bind_t *bind_free_slot_locked(void)
{
    for (size_t i = 0; i < VFS_BIND_MAX; i++)
        if (!binds[i].mountpoint)
            return &binds[i];
    return NULL;
}

static vfs_bind_t *bind_find_locked(const vnode_t *mp)
{
    for (size_t i = 0; i < VFS_BIND_MAX; i++)
        if (binds[i].mountpoint == mp)
            return &binds[i];
    return NULL;
}

/* Why dir may not be bound at mp (0 when it may). */
static int bind_check_locked(vnode_t *dir, vnode_t *mp)
{
    if (mp->type != VNODE_DIR)
        return ENOTDIR;
    if (mp == vfs_root() || mp->mounted)
        return EBUSY;
    if (dir->nlink == 0 || mp->nlink == 0)
        return EINVAL;
    if (!bind_inside_tmp_locked(mp) || mp->covers)
        return EPERM;
    for (vnode_t *d = dir; d; d = d->mounted)
        if (d == mp)
            return EBUSY; /* mp already shows dir: a mount cycle */
    if (bind_would_loop_locked(dir, mp))
        return EBUSY; /* dir would contain itself: an endless namespace */
    return bind_free_slot_locked() ? 0 : ENOSPC;
}

int vfs_bind(vnode_t *cwd, vnode_t *dir, const char *mountpoint)
{
    vnode_t *mp;
    if (dir->type != VNODE_DIR)
        return ENOTDIR;
    fs_mutex_lock(&vfs_lock);
    int err = vfs_walk_locked(cwd, mountpoint, &mp);
    if (!err && (err = bind_check_locked(dir, mp)) != 0)
        vnode_put_locked(mp);
    if (!err) {
        vfs_bind_t *b = bind_free_slot_locked();
        vnode_get_locked(dir);
        mp->mounted = dir; /* both references stay until unbind */
        *b = (vfs_bind_t){ .mountpoint = mp, .dir = dir };
    }
    fs_mutex_unlock(&vfs_lock);
    return err;
}

/* The directory named by path itself, not what is bound on it (+1 ref). */
static int bind_lookup_covered_locked(vnode_t *cwd, const char *path, vnode_t **out)
{
    vnode_t *dir;
    const char *name;
    size_t len;
    bool must_be_dir;
    int err = vfs_walk_parent_locked(cwd, path, &dir, &name, &len, &must_be_dir);
    if (err)
        return err;
    if (len == 0 || path_is_dots(name, len))
        err = EINVAL; /* "/", "." and "..": never a bind's mountpoint by that name */
    else
        err = dir->ops && dir->ops->lookup ? dir->ops->lookup(dir, name, len, out) : ENOENT;
    vnode_put_locked(dir);
    return err;
}

int vfs_unbind(vnode_t *cwd, const char *mountpoint)
{
    vnode_t *mp;
    fs_mutex_lock(&vfs_lock);
    int err = bind_lookup_covered_locked(cwd, mountpoint, &mp);
    if (err)
        goto out;
    vfs_bind_t *b = bind_find_locked(mp);
    if (!b) {
        err = mp->type == VNODE_DIR ? EINVAL : ENOTDIR; /* not a bind (mounts stay) */
    } else {
        ASSERT(mp->mounted == b->dir);
        mp->mounted = NULL;
        vnode_put_locked(b->dir);
        vnode_put_locked(b->mountpoint); /* the bind's own reference */
        *b = (vfs_bind_t){ 0 };
    }
    vnode_put_locked(mp);
out:
    fs_mutex_unlock(&vfs_lock);
    return err;
}
