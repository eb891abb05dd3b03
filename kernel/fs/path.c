/*
 * path.c - path resolution. Walks component by component from the root ("/...") or the
 * given start directory, holding one reference on the current vnode at a time:
 *   "."  stays; ".." goes to the parent, stays at the root, and leaves a mounted file
 *   system's root for the directory it covers first; a name is looked up with the
 *   directory's ops, then any mount on the result is followed to its root.
 * Errors: ENOENT (empty path, missing name), ENOTDIR (a non-directory used as one, or a
 * trailing '/' after a non-directory), ENAMETOOLONG (a component over VFS_NAME_MAX).
 * Portable (no kernel headers beyond vfs.h) so the host tests run it on a fake tree.
 */
#include "kernel/fs/vfs.h"
#include <spindle/errno.h>

bool path_is_dots(const char *name, size_t len)
{
    return (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
}

int path_next(const char **p, const char **name, size_t *len)
{
    const char *s = *p;
    while (*s == '/')
        s++;
    if (!*s) {
        *p = s;
        return ENOENT;
    }
    const char *e = s;
    while (*e && *e != '/')
        e++;
    *p = e;
    *name = s;
    *len = (size_t)(e - s);
    return *len > VFS_NAME_MAX ? ENAMETOOLONG : 0;
}

static bool name_is(const char *name, size_t len, const char *what)
{
    size_t i = 0;
    for (; i < len && what[i]; i++)
        if (name[i] != what[i])
            return false;
    return i == len && !what[i];
}

vnode_t *vfs_follow_mounts_locked(vnode_t *v)
{
    while (v->mounted) {
        vnode_t *r = v->mounted;
        vnode_get_locked(r);
        vnode_put_locked(v);
        v = r;
    }
    return v;
}

static vnode_t *step_up(vnode_t *cur)
{
    vnode_t *root = vfs_root();
    if (cur == root)
        return cur;
    vnode_t *at = cur;
    while (at->covers && at != root) /* leave mounted roots for what they cover */
        at = at->covers;
    vnode_t *up = at->parent ? at->parent : at;
    vnode_get_locked(up);
    vnode_put_locked(cur);
    return vfs_follow_mounts_locked(up);
}

/* Walks the components of [path, end) from start (absolute paths from the root). */
static int walk_range(vnode_t *start, const char *path, const char *end, vnode_t **out)
{
    vnode_t *cur = *path == '/' ? vfs_root() : start; /* path is NUL-terminated */
    vnode_get_locked(cur);
    cur = vfs_follow_mounts_locked(cur);
    const char *p = path;
    for (;;) {
        while (p < end && *p == '/')
            p++;
        if (p >= end)
            break;
        const char *name = p;
        while (p < end && *p != '/')
            p++;
        size_t len = (size_t)(p - name);
        int err = 0;
        if (len > VFS_NAME_MAX)
            err = ENAMETOOLONG;
        else if (cur->type != VNODE_DIR)
            err = ENOTDIR;
        if (err) {
            vnode_put_locked(cur);
            return err;
        }
        if (name_is(name, len, "."))
            continue;
        if (name_is(name, len, "..")) {
            cur = step_up(cur);
            continue;
        }
        vnode_t *next = NULL;
        err = cur->ops && cur->ops->lookup ? cur->ops->lookup(cur, name, len, &next) : ENOENT;
        vnode_put_locked(cur);
        if (err)
            return err;
        cur = vfs_follow_mounts_locked(next);
    }
    *out = cur;
    return 0;
}

static const char *str_end(const char *s)
{
    while (*s)
        s++;
    return s;
}

int vfs_walk_locked(vnode_t *start, const char *path, vnode_t **out)
{
    if (!*path)
        return ENOENT;
    const char *end = str_end(path);
    vnode_t *v;
    int err = walk_range(start, path, end, &v);
    if (err)
        return err;
    if (end[-1] == '/' && v->type != VNODE_DIR) {
        vnode_put_locked(v);
        return ENOTDIR;
    }
    *out = v;
    return 0;
}

int vfs_walk_parent_locked(vnode_t *start, const char *path, vnode_t **dir,
                           const char **name, size_t *len, bool *must_be_dir)
{
    if (!*path)
        return ENOENT;
    const char *end = str_end(path);
    const char *last_end = end;
    while (last_end > path && last_end[-1] == '/')
        last_end--;
    *must_be_dir = last_end != end;
    const char *last = last_end;
    while (last > path && last[-1] != '/')
        last--;
    *name = last;
    *len = (size_t)(last_end - last);
    if (*len > VFS_NAME_MAX)
        return ENAMETOOLONG;
    vnode_t *d;
    int err = walk_range(start, path, last, &d);
    if (err)
        return err;
    if (d->type != VNODE_DIR) {
        vnode_put_locked(d);
        return ENOTDIR;
    }
    *dir = d;
    return 0;
}
