/*
 * vfs_path.c - the absolute path of a directory (getcwd): from the directory up its ".."
 * links to the root, crossing each mounted file system's root to the directory it covers,
 * finding each name by scanning the parent for the child's inode number (unique while the
 * file exists). Runs under vfs_lock, so the tree cannot change under the walk.
 */
#include <spindle/errno.h>
#include "kernel/fs/vfs.h"
#include "kernel/lib/string.h"
#include "mm/heap.h"

#define VFS_PATH_DEPTH 256 /* gives up on deeper (or looping) trees */

/* Finds child's name in dir: 0 or ENOENT. */
static int name_in_dir_locked(vnode_t *dir, const vnode_t *child, vfs_dirent_t *e)
{
    if (!dir->ops || !dir->ops->readdir)
        return ENOENT;
    uint64_t cookie = 0;
    while (dir->ops->readdir(dir, &cookie, e) == 0)
        if (e->ino == child->ino)
            return 0;
    return ENOENT;
}

/* Puts "/" name in front of buf[*pos..]: 0 or ERANGE. */
static int prepend(char *buf, size_t *pos, const char *name)
{
    size_t n = strlen(name);
    if (n + 1 > *pos)
        return ERANGE;
    *pos -= n;
    memcpy(buf + *pos, name, n);
    buf[--*pos] = '/';
    return 0;
}

int vfs_path_of(vnode_t *dir, char *buf, size_t size)
{
    if (size < 2)
        return ERANGE;
    vfs_dirent_t *e = kmalloc(sizeof *e);
    if (!e)
        return ENOMEM;
    size_t pos = size - 1;
    buf[pos] = 0;
    int err = 0;
    fs_mutex_lock(&vfs_lock);
    vnode_t *v = dir, *root = vfs_root();
    for (int depth = 0; !err && v != root; depth++) {
        if (depth == VFS_PATH_DEPTH || v->dead) {
            err = ENOENT; /* a removed working directory has no path (Linux: ENOENT) */
        } else if (!v->parent) {
            if (v->covers)
                v = v->covers; /* a mounted root: continue from where it is mounted */
            else
                err = ENOENT;
        } else if (!(err = name_in_dir_locked(v->parent, v, e))) {
            err = prepend(buf, &pos, e->name);
            v = v->parent;
        }
    }
    fs_mutex_unlock(&vfs_lock);
    kfree(e);
    if (err)
        return err;
    if (pos == size - 1)
        buf[--pos] = '/';
    memmove(buf, buf + pos, size - pos);
    return 0;
}
