/*
 * tmpfs_import.c - fills the root tmpfs from the USTAR archive the loader brought. The
 * archive is hostile until checked: tar.c validates every header; here each path is split
 * into components, and entries naming "." / ".." components, over-long names, unknown
 * types or clashing with an existing entry are skipped with a log line. Boot goes on with
 * whatever was imported.
 */
#include "kernel/fs/tmpfs.h"
#include <spindle/errno.h>
#include "kernel/kprintf.h"
#include "kernel/lib/tar.h"

/* Creates (or finds) every directory of path; the last component is created as `type`.
 * Returns the new vnode's ref in *out for files. */
static int import_path(vnode_t *root, const char *path, vnode_type_t type, vnode_t **out)
{
    vnode_t *dir = root;
    vnode_get_locked(dir);
    const char *p = path, *name;
    size_t len;
    int err;
    while ((err = path_next(&p, &name, &len)) == 0) {
        if (path_is_dots(name, len)) {
            if (len == 1)
                continue; /* "./" prefixes are normal in archives */
            err = EINVAL;
            break;
        }
        const char *rest = p;
        bool last = path_next(&rest, &(const char *){ 0 }, &(size_t){ 0 }) == ENOENT;
        vnode_t *next = NULL;
        vnode_type_t want = last ? type : VNODE_DIR;
        err = dir->ops->lookup(dir, name, len, &next);
        if (err == ENOENT)
            err = dir->ops->create(dir, name, len, want, &next);
        else if (!err && (next->type != want || (last && want == VNODE_FILE)))
            err = EEXIST;
        if (err) {
            if (next)
                vnode_put_locked(next);
            break;
        }
        vnode_put_locked(dir);
        dir = next;
    }
    if (err != ENOENT) {
        vnode_put_locked(dir);
        return err;
    }
    *out = dir;
    return 0;
}

void tmpfs_import_tar_locked(vnode_t *root, const void *archive, uint64_t size)
{
    tar_iter_t it;
    tar_entry_t e;
    unsigned files = 0, dirs = 0, skipped = 0;
    tar_iter_init(&it, archive, (size_t)size);
    while (tar_iter_next(&it, &e)) {
        if (e.type != TAR_TYPE_FILE && e.type != TAR_TYPE_DIR) {
            kprintf("vfs: archive entry \"%s\" has type '%c': skipped\n", e.path, e.type);
            skipped++;
            continue;
        }
        bool is_dir = e.type == TAR_TYPE_DIR;
        vnode_t *v = NULL;
        int err = import_path(root, e.path, is_dir ? VNODE_DIR : VNODE_FILE, &v);
        if (!err && !is_dir && e.size) {
            int64_t w = tmpfs_write_locked(v, e.data, (size_t)e.size, 0);
            err = w == (int64_t)e.size ? 0 : ENOSPC;
        }
        if (v)
            vnode_put_locked(v);
        if (err) {
            kprintf("vfs: archive entry \"%s\" skipped (%s)\n", e.path, spindle_errno_name(err));
            skipped++;
            continue;
        }
        is_dir ? dirs++ : files++;
    }
    kprintf("vfs: root archive: %u files, %u directories, %u skipped, %u corrupt headers\n",
            files, dirs, skipped, it.corrupt);
    if (it.problem)
        kprintf("vfs: root archive: the last corrupt header, at offset %lu: %s\n",
                (unsigned long)it.problem_at, it.problem);
}
