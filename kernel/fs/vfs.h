/*
 * vfs.h - the virtual file system: vnodes, open files, mounts and the namespace calls.
 *
 * A vnode is one file, directory or device of some file system; its ops say what it can
 * do. A file_t is one open instance (offset, access mode), shared by every descriptor that
 * dup(), spawn() or claim() made from it. Lifetimes:
 *   vnode: `refs` counts holders (open files, working directories, mounts, a walk in
 *          progress); `nlink` counts directory entries naming it. It is released when both
 *          are 0, so a removed file stays readable until its last descriptor closes.
 *   file:  `refs` counts descriptor-table slots and in-flight users; the last put closes it.
 *
 * Locking: one sleeping lock (vfs_lock) guards the whole namespace (directory contents,
 * nlink, vnode refs, mounts) and tmpfs file data. It is never held across a user copy or a
 * blocking wait; devices and pipes that block use their own wait queues instead.
 * Functions ending in _locked expect vfs_lock held.
 */
#ifndef KERNEL_FS_VFS_H
#define KERNEL_FS_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <spindle/abi.h>
#include <spindle/boot.h>
#include "kernel/fs/fs_sync.h"

#define VFS_NAME_MAX 255   /* bytes in one path component */
#define VFS_PATH_MAX 4096  /* bytes in a path, with its NUL */

typedef enum {
    VNODE_FILE = STAT_FILE,
    VNODE_DIR = STAT_DIR,
    VNODE_DEV = STAT_DEV,
    VNODE_PIPE = STAT_PIPE,
} vnode_type_t;

typedef struct vnode vnode_t;
typedef struct file file_t;

typedef struct {
    uint64_t ino;
    vnode_type_t type;
    char name[VFS_NAME_MAX + 1];
} vfs_dirent_t;

/* Operations on an open file. read/write return a byte count or -errno and handle the
 * offset themselves (f->offset), so they can make "read at offset, advance" atomic. */
typedef struct file_ops {
    int64_t (*read)(file_t *f, void *buf, size_t n);
    int64_t (*write)(file_t *f, const void *buf, size_t n);
    /* Positioned transfers (pread64/pwrite64): at offset, f->offset untouched, atomic against
     * every other transfer on the file. NULL: the file has no positions (ESPIPE). */
    int64_t (*read_at)(file_t *f, void *buf, size_t n, uint64_t offset);
    int64_t (*write_at)(file_t *f, const void *buf, size_t n, uint64_t offset);
    int (*ioctl)(file_t *f, uint64_t request, void *arg, size_t size);
    unsigned (*poll)(file_t *f);          /* POLL* bits ready now; NULL: always in and out */
    void (*close)(file_t *f);             /* last reference gone */
    /* Private file mappings: one page (4096 bytes) at a page-aligned offset of this open
     * file, bytes past the end as zero; f->offset is untouched. Only file systems whose
     * files may be mapped provide it (tmpfs): mmap of any other file is ENODEV. It is given
     * the real open file (which went through its file system's open), never a stand-in. */
    int (*read_page)(file_t *f, uint64_t offset, void *page);
    /* Streams that must not lose bytes when the copy to user memory faults (pipes): read
     * only looks at the data, and this takes the first `kept` bytes of what read gave once
     * they are safely in user memory (0: all of them stay for the next read). Called
     * exactly once after every read that returned > 0. */
    void (*read_done)(file_t *f, size_t kept);
    bool seekable;
} file_ops_t;

/* Namespace operations of a directory vnode; all called with vfs_lock held. Names are
 * (pointer, length), not NUL-terminated, already checked against VFS_NAME_MAX and never
 * "." or "..". */
typedef struct vnode_ops {
    int (*lookup)(vnode_t *dir, const char *name, size_t len, vnode_t **out); /* +1 ref */
    int (*create)(vnode_t *dir, const char *name, size_t len, vnode_type_t type, vnode_t **out);
    int (*link)(vnode_t *dir, const char *name, size_t len, vnode_t *target);
    int (*unlink)(vnode_t *dir, const char *name, size_t len);
    /* Entry at or after *cookie; advances *cookie past it. ENOENT at the end. */
    int (*readdir)(vnode_t *dir, uint64_t *cookie, vfs_dirent_t *out);
    bool (*is_empty)(vnode_t *dir);
    int (*truncate)(vnode_t *v, uint64_t size);
    /* Called when an open file is made: may swap f->ops or set f->priv (devices). */
    int (*open)(vnode_t *v, file_t *f);
    /* open2(): two connected open files (pipes); called without vfs_lock. */
    int (*open2)(vnode_t *v, file_t **a, file_t **b);
    void (*release)(vnode_t *v);           /* refs and nlink are both 0 */
} vnode_ops_t;

struct vnode {
    vnode_type_t type;
    uint32_t refs;
    uint32_t nlink;
    bool dead;                 /* removed directory: nothing can be created in it */
    uint64_t ino;
    uint64_t size;
    uint64_t mtime_ns;
    const vnode_ops_t *ops;
    const file_ops_t *fops;    /* used for files opened on this vnode */
    vnode_t *parent;           /* directories: where ".." leads (NULL at a file system root) */
    vnode_t *mounted;          /* a directory something is mounted/bound on: its root */
    vnode_t *covers;           /* a file system root: the directory it is mounted on */
    void *priv;
};

struct file {
    uint32_t refs;
    uint32_t flags;            /* O_ACCMODE bits, O_APPEND, O_NONBLOCK, FILE_DOTS_DONE */
    uint64_t offset;
    vnode_t *vnode;            /* NULL for pipe ends */
    const file_ops_t *ops;
    void *priv;
};

/* file_t.flags: a Linux getdents64 returned "." and ".." of this open directory already (the
 * VFS lists neither; the offset is the file system's own cookie, so the mark lives here). */
#define FILE_DOTS_DONE 0x80000000u

extern fs_mutex_t vfs_lock;

/* Boot: tmpfs root filled from the archive, devfs at /dev, procfs at /proc. */
void vfs_init(const void *archive, uint64_t archive_size, const boot_framebuffer_t *fb);
vnode_t *vfs_root(void);

/* vnode references. */
vnode_t *vnode_alloc(vnode_type_t type, const vnode_ops_t *ops, const file_ops_t *fops);
void vnode_get_locked(vnode_t *v);
void vnode_put_locked(vnode_t *v);
void vnode_get(vnode_t *v);
void vnode_put(vnode_t *v);
uint64_t vnode_next_ino(void);

/* Path walk (path.c), vfs_lock held. start: the directory a relative path begins at.
 * vfs_walk_locked: the vnode at path (+1 ref). vfs_walk_parent_locked: the parent directory
 * (+1 ref) and the last component (a pointer into path; *len 0 for "/"). A trailing '/'
 * requires a directory at the end; *must_be_dir tells the caller. */
int vfs_walk_locked(vnode_t *start, const char *path, vnode_t **out);
/* The root of what is mounted or bound on v (v itself when nothing is); moves v's reference. */
vnode_t *vfs_follow_mounts_locked(vnode_t *v);
/* A process's cwd slot: a new reference to it (put it when done), and replacing it (takes
 * dir's reference, drops the old one). Both under vfs_lock. */
vnode_t *vfs_cwd_get(vnode_t *const *slot);
void vfs_cwd_set(vnode_t **slot, vnode_t *dir);
int vfs_walk_parent_locked(vnode_t *start, const char *path, vnode_t **dir,
                           const char **name, size_t *len, bool *must_be_dir);
/* Next component of *p (skipping slashes): 0 with name and len set, ENOENT at the end, or
 * ENAMETOOLONG. */
int path_next(const char **p, const char **name, size_t *len);
/* True for the components "." and "..". */
bool path_is_dots(const char *name, size_t len);

/* Namespace calls (vfs.c). cwd is the caller's working directory. */
int vfs_open(vnode_t *cwd, const char *path, uint32_t flags, file_t **out);
int vfs_remove(vnode_t *cwd, const char *path);
int vfs_link(vnode_t *cwd, const char *oldpath, const char *newpath);
/* The same with each path resolved from its own directory (Linux renameat). */
int vfs_link_at(vnode_t *olddir, const char *oldpath, vnode_t *newdir, const char *newpath);
int vfs_stat(vnode_t *cwd, const char *path, stat_t *st);
void vfs_stat_vnode(const vnode_t *v, stat_t *st);
/* A directory (+1 ref) for chdir/spawn. */
int vfs_lookup_dir(vnode_t *cwd, const char *path, vnode_t **out);
/* The absolute path of directory dir into buf (size bytes with the NUL): 0, ERANGE, ENOENT
 * (removed, or not reachable from the root), ENOMEM (vfs_path.c). */
int vfs_path_of(vnode_t *dir, char *buf, size_t size);
/* Makes directory dir visible at mountpoint (an existing directory strictly inside /tmp),
 * and takes it away again (bind.c; the rules are there). */
int vfs_bind(vnode_t *cwd, vnode_t *dir, const char *mountpoint);
int vfs_unbind(vnode_t *cwd, const char *mountpoint);
/* Mounts a file system root on the directory at path (boot). */
int vfs_mount(const char *path, vnode_t *root);
/* The whole regular file at path, in a kmalloc'ed buffer (exec). ENOENT for a missing
 * file or one that is not regular, EFBIG over max bytes. */
int vfs_read_whole(vnode_t *cwd, const char *path, size_t max, uint8_t **data, size_t *size);

/* Open files (file.c). */
file_t *file_alloc(vnode_t *v, const file_ops_t *ops, uint32_t flags); /* takes v's ref */
void file_get(file_t *f);
void file_put(file_t *f);
/* A read into kernel memory; the caller copies the bytes out, then calls file_read_done
 * with how many it managed to copy (kept) and the offset the file had before the read, so
 * nothing is consumed that did not reach the caller (Linux: data is taken only once it is
 * in user memory). */
int64_t file_read(file_t *f, void *buf, size_t n);
void file_read_done(file_t *f, size_t got, size_t kept, uint64_t offset_before);
int64_t file_write(file_t *f, const void *buf, size_t n);
/* Positioned transfers into or from kernel memory (f->offset untouched): ESPIPE where the
 * file has no positions, EISDIR, EBADF for the wrong access mode. */
int64_t file_read_at(file_t *f, void *buf, size_t n, uint64_t offset);
int64_t file_write_at(file_t *f, const void *buf, size_t n, uint64_t offset);
int64_t file_seek(file_t *f, int64_t offset, uint64_t origin);
unsigned file_poll(file_t *f);
int file_readdir(file_t *f, vfs_dirent_t *out); /* ENOENT at the end, ENOTDIR */
/* Sets the size of the regular file open (writable) as f: 0, EINVAL (not a regular file),
 * EBADF (not open for writing), EFBIG (past FILE_SIZE_MAX). */
#define FILE_SIZE_MAX (1ULL << 40)
int file_truncate(file_t *f, uint64_t size);
/* What fstat reports about an open file (a pipe end: STAT_PIPE). */
void file_stat(const file_t *f, stat_t *st);
/* O_NONBLOCK on or off for the open file (every descriptor sharing it). */
void file_set_nonblock(file_t *f, bool on);
/* True when f may back a private file mapping (its file system offers read_page). */
bool vfs_file_mappable(const file_t *f);
/* One page (4096 bytes) of a mappable file at a page-aligned offset into page (kernel
 * memory); bytes past the end of the file read as zero. For file-backed mappings. */
int vfs_file_read_page(file_t *f, uint64_t offset, void *page);

#endif
