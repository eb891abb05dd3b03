/*
 * sys_file.h - helpers shared by the file system calls (sys_file.c, sys_fs_extra.c) and
 * spawn (sys_process.c): user paths, the caller's descriptors, the child's files.
 */
#ifndef SYSCALL_SYS_FILE_H
#define SYSCALL_SYS_FILE_H

#include "kernel/fs/fdtable.h"
#include "kernel/fs/vfs.h"
#include "kernel/uaccess.h"
#include "proc/process.h"

/* A kernel copy of a user path (kmalloc'ed, VFS_PATH_MAX with NUL): 0, EFAULT, ENAMETOOLONG,
 * ENOMEM. Free with kfree. */
int sys_path_copy(uptr_t user_path, char **out);
/* The directory a relative path starts from: the cwd (AT_FDCWD) or dirfd's directory, with a
 * reference: 0, EBADF or ENOTDIR. */
int sys_start_dir(uint64_t dirfd, vnode_t **out);
/* Installs a and b (both references move) as the two lowest free fds of the caller, stored in
 * fds: 0, or EMFILE with nothing installed and both files put. open2 and Linux pipe2. */
int sys_install_pair(file_t *a, file_t *b, bool clospawn, int32_t fds[2]);
/* poll on kernel copies of count entries: fills revents and *ready, sleeping until one is
 * ready or timeout ns pass (CLOCK_NEVER: forever). 0 or EINTR. */
int sys_poll_wait(pollfd_t *p, size_t count, uint64_t timeout, size_t *ready);
/* Packs one directory entry e of f into buf (room bytes): its size, 0 when it does not fit. */
typedef size_t (*sys_dirent_pack_t)(uint8_t *buf, size_t room, const vfs_dirent_t *e,
                                    const file_t *f);
/* Reads entries of the directory open as f and packs them after the first *used bytes of
 * buf (cap bytes), adding to *used: up to the end, a full buffer (the entry that did not fit
 * stays for the next call) or an error. 0, the error, or EINVAL when not one entry fit. The
 * caller copies out and, when that faults, puts f->offset back. */
int sys_dir_fill(file_t *f, uint8_t *buf, size_t cap, size_t *used, sys_dirent_pack_t pack);
/* pread64/pwrite64: count bytes between user buf and fd's file at offset, the file's position
 * untouched, with the loop read and write use. Bytes moved, or -EBADF, -EFAULT, -ESPIPE (not
 * a regular file), -EINVAL, ... when nothing moved. */
int64_t sys_file_transfer_at(uint64_t fd, uptr_t buf, uint64_t count, uint64_t offset,
                             bool write);
/* Ends every share() offer made by process pid (its exit path calls this). */
void share_drop_owner(uint64_t pid);

/* Kernel copy of a user argv (or envp): pointers into one string buffer, NULL-terminated;
 * at most EXEC_ARGC_MAX strings in EXEC_ARGS_MAX bytes. */
typedef struct {
    char *strings;
    const char **argv;
    size_t argc;
} sys_args_t;
/* 0, EFAULT, E2BIG, ENOMEM, or EINVAL for an empty vector unless allow_empty (then a NULL
 * user_argv is empty too). Free with sys_args_free even on failure. */
int sys_args_copy(sys_args_t *a, uptr_t user_argv, bool allow_empty);
void sys_args_free(sys_args_t *a);

/* What spawn gives a child: its descriptor table and working directory. */
typedef struct {
    fdtable_t *fdt;
    vnode_t *cwd;    /* NULL: the parent's */
} spawn_files_t;

/* Builds the child's table from the parent's fds 0-2 (unless empty) and the user's
 * spawn_fd_t list (NULL or ended by SPAWN_FD_END: EINVAL without one within 64 entries),
 * and resolves cwd (NULL: inherit). EFAULT, EBADF, EINVAL, ENOENT, ENOTDIR, ENOMEM. */
int spawn_files_prepare(process_t *parent, uptr_t user_fds, uptr_t user_cwd,
                        bool empty, spawn_files_t *out);
void spawn_files_discard(spawn_files_t *files);

#endif
