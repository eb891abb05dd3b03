/*
 * linux_path.c - Linux calls that change the namespace or the working directory: chdir,
 * fchdir, mkdir, mkdirat, rmdir, unlink, unlinkat, link, rename, renameat. Paths are copied
 * once (sys_path_copy) and resolved from the working directory or a dirfd (sys_start_dir),
 * then handed to the VFS calls the native open, remove and link use.
 */
#include "mm/heap.h"
#include "syscall/linux/linux.h"
#include "syscall/sys_file.h"

/* A kernel copy of upath and the directory it starts from (+1 ref): 0 or an error. */
static int path_at(uint64_t dirfd, const char *upath, char **path, vnode_t **dir)
{
    int err = sys_path_copy(UPTR(upath), path);
    if (err)
        return err;
    err = sys_start_dir((*path)[0] == '/' ? AT_FDCWD : (uint64_t)(int64_t)(int32_t)dirfd, dir);
    if (err)
        kfree(*path);
    return err;
}

static void path_done(char *path, vnode_t *dir)
{
    vnode_put(dir);
    kfree(path);
}

int64_t linux_sys_chdir(const char *path)
{
    return LN1(SYS_CHDIR, path);
}

int64_t linux_sys_fchdir(uint64_t fd)
{
    vnode_t *dir;
    int err = sys_start_dir(fd == AT_FDCWD ? (uint64_t)-1 : fd, &dir);
    if (err)
        return -err;
    vfs_cwd_set(&process_current()->cwd, dir);
    return 0;
}

/* A directory is made by the native open's O_CREAT | O_DIRECTORY | O_EXCL. */
int64_t linux_sys_mkdirat(uint64_t dirfd, const char *upath, uint64_t mode)
{
    (void)mode;
    char *path;
    vnode_t *dir;
    file_t *f = NULL;
    int err = path_at(dirfd, upath, &path, &dir);
    if (err)
        return -err;
    err = vfs_open(dir, path, O_CREAT | O_DIRECTORY | O_EXCL | O_RDONLY, &f);
    path_done(path, dir);
    if (f)
        file_put(f);
    return -err;
}

int64_t linux_sys_mkdir(const char *path, uint64_t mode)
{
    return linux_sys_mkdirat(AT_FDCWD, path, mode);
}

/* Removes path, which must (dir) or must not (!dir) be a directory. */
static int64_t remove_at(uint64_t dirfd, const char *upath, bool dir_wanted)
{
    char *path;
    vnode_t *dir;
    stat_t st;
    int err = path_at(dirfd, upath, &path, &dir);
    if (err)
        return -err;
    err = vfs_stat(dir, path, &st);
    if (!err && dir_wanted && st.type != STAT_DIR)
        err = ENOTDIR;
    if (!err && !dir_wanted && st.type == STAT_DIR)
        err = EISDIR;
    if (!err)
        err = vfs_remove(dir, path);
    path_done(path, dir);
    return -err;
}

int64_t linux_sys_unlinkat(uint64_t dirfd, const char *path, uint64_t flags)
{
    if (flags & ~(uint64_t)LINUX_AT_REMOVEDIR)
        return -EINVAL;
    return remove_at(dirfd, path, flags & LINUX_AT_REMOVEDIR);
}

int64_t linux_sys_unlink(const char *path)
{
    return remove_at(AT_FDCWD, path, false);
}

int64_t linux_sys_rmdir(const char *path)
{
    return remove_at(AT_FDCWD, path, true);
}

int64_t linux_sys_link(const char *oldpath, const char *newpath)
{
    return LN2(SYS_LINK, oldpath, newpath);
}

/* rename of a file: link under the new name (after removing a file already there), then
 * remove the old one. Directories cannot be linked, so renaming one gives EXDEV (callers such
 * as mv then copy). Not atomic: another process may see both names for a moment. */
int64_t linux_sys_renameat(uint64_t olddirfd, const char *uold, uint64_t newdirfd,
                           const char *unew)
{
    char *oldp, *newp;
    vnode_t *olddir, *newdir;
    stat_t so, sn;
    int err = path_at(olddirfd, uold, &oldp, &olddir);
    if (err)
        return -err;
    err = path_at(newdirfd, unew, &newp, &newdir);
    if (err) {
        path_done(oldp, olddir);
        return -err;
    }
    err = vfs_stat(olddir, oldp, &so);
    if (!err && so.type == STAT_DIR)
        err = EXDEV;
    if (!err && vfs_stat(newdir, newp, &sn) == 0) {
        if (sn.ino == so.ino)
            goto out; /* the same file: nothing to do */
        err = sn.type == STAT_DIR ? EISDIR : vfs_remove(newdir, newp);
    }
    if (!err)
        err = vfs_link_at(olddir, oldp, newdir, newp);
    if (!err)
        err = vfs_remove(olddir, oldp);
out:
    path_done(oldp, olddir);
    path_done(newp, newdir);
    return -err;
}

int64_t linux_sys_rename(const char *oldpath, const char *newpath)
{
    return linux_sys_renameat(AT_FDCWD, oldpath, AT_FDCWD, newpath);
}

/* ---- modes, owners, times: there are none yet, so these only check that the file exists ---- */

static int64_t exists_at(uint64_t dirfd, const char *upath, uint64_t flags)
{
    char *path;
    vnode_t *dir;
    stat_t st;
    int err = path_at(dirfd, upath, &path, &dir);
    if (err)
        return -err;
    if (!path[0] && (flags & LINUX_AT_EMPTY_PATH))
        err = 0; /* dirfd itself: path_at already checked it */
    else
        err = vfs_stat(dir, path, &st);
    path_done(path, dir);
    return -err;
}

static int64_t fd_exists(uint64_t fd)
{
    file_t *f = fdtable_get(linux_fds(), (int64_t)fd);
    if (!f)
        return -EBADF;
    file_put(f);
    return 0;
}

int64_t linux_sys_chmod(const char *path, uint64_t mode)
{
    (void)mode;
    return exists_at(AT_FDCWD, path, 0);
}

int64_t linux_sys_fchmod(uint64_t fd, uint64_t mode)
{
    (void)mode;
    return fd_exists(fd);
}

int64_t linux_sys_fchmodat(uint64_t dirfd, const char *path, uint64_t mode)
{
    (void)mode;
    return exists_at(dirfd, path, 0);
}

int64_t linux_sys_chown(const char *path, uint64_t uid, uint64_t gid)
{
    (void)uid, (void)gid;
    return exists_at(AT_FDCWD, path, 0);
}

int64_t linux_sys_fchown(uint64_t fd, uint64_t uid, uint64_t gid)
{
    (void)uid, (void)gid;
    return fd_exists(fd);
}

int64_t linux_sys_lchown(const char *path, uint64_t uid, uint64_t gid)
{
    return linux_sys_chown(path, uid, gid);
}

int64_t linux_sys_fchownat(uint64_t dirfd, const char *path, uint64_t uid, uint64_t gid,
                           uint64_t flags)
{
    (void)uid, (void)gid;
    return exists_at(dirfd, path, flags);
}

/* utimensat(fd, NULL, ...) is futimens on fd itself. */
int64_t linux_sys_utimensat(uint64_t dirfd, const char *path, void *times, uint64_t flags)
{
    (void)times;
    return path ? exists_at(dirfd, path, flags) : fd_exists(dirfd);
}
