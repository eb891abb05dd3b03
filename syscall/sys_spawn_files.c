/*
 * sys_spawn_files.c - the file side of spawn(): the child's descriptors (explicit
 * parent->child pairs, so a shell can wire pipelines and redirections) and its working
 * directory. Everything from user memory is copied and checked before any table exists.
 */
#include "kernel/uaccess.h"
#include "mm/heap.h"
#include "syscall/sys_file.h"
#include "syscall/syscall.h"

#define SPAWN_FDS_MAX 64 /* entries read from a spawn_fd_t array */

int sys_path_copy(uptr_t user_path, char **out)
{
    char *p = kmalloc(VFS_PATH_MAX);
    if (!p)
        return ENOMEM;
    int err = uaccess_read_string(p, user_path, VFS_PATH_MAX, NULL);
    if (err) {
        kfree(p);
        return err;
    }
    *out = p;
    return 0;
}

static int spawn_fds_copy(uptr_t user_fds, spawn_fd_t *list, size_t *n)
{
    *n = 0;
    if (!user_fds.addr)
        return 0;
    for (int i = 0; i < SPAWN_FDS_MAX; i++) {
        spawn_fd_t e;
        if (uaccess_read(&e, uptr_offset(user_fds, i * sizeof e), sizeof e))
            return EFAULT;
        if (e.child == SPAWN_FD_END)
            return 0;
        if (e.child < 0 || e.child >= FDTABLE_MAX || e.parent < 0 || e.parent >= FDTABLE_MAX)
            return EBADF;
        list[(*n)++] = e;
    }
    return EINVAL; /* no SPAWN_FD_END within the limit */
}

int spawn_files_prepare(process_t *parent, uptr_t user_fds, uptr_t user_cwd,
                        bool empty, spawn_files_t *out)
{
    spawn_fd_t *list = kmalloc(SPAWN_FDS_MAX * sizeof *list);
    char *path = NULL;
    size_t n;
    out->fdt = NULL;
    out->cwd = NULL;
    int err = list ? spawn_fds_copy(user_fds, list, &n) : ENOMEM;
    if (!err)
        err = fdtable_for_spawn(parent->fdt, list, n, empty, &out->fdt);
    if (!err && user_cwd.addr) {
        err = sys_path_copy(user_cwd, &path);
        if (!err) {
            vnode_t *cwd = vfs_cwd_get(&parent->cwd);
            err = vfs_lookup_dir(cwd, path, &out->cwd);
            vnode_put(cwd);
        }
    }
    if (!err && !out->cwd)
        out->cwd = vfs_cwd_get(&parent->cwd);
    kfree(list);
    kfree(path);
    if (err)
        spawn_files_discard(out);
    return err;
}

void spawn_files_discard(spawn_files_t *files)
{
    fdtable_destroy(files->fdt);
    if (files->cwd)
        vnode_put(files->cwd);
    files->fdt = NULL;
    files->cwd = NULL;
}
