/*
 * fdtable.h - per-process descriptor tables: slot -> open file, plus a close-on-spawn bit.
 * A slot holds one reference on its file. Lookups return the file with an extra reference
 * (drop it with file_put) so another thread closing the slot cannot free it mid-call.
 * Slots change under the scheduler lock (short critical sections, safe on every CPU).
 */
#ifndef KERNEL_FS_FDTABLE_H
#define KERNEL_FS_FDTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <spindle/abi.h>
#include "kernel/fs/vfs.h"

#define FDTABLE_MAX 64

typedef struct {
    file_t *file;
    bool clospawn;
} fd_slot_t;

typedef struct fdtable {
    fd_slot_t slots[FDTABLE_MAX];
} fdtable_t;

fdtable_t *fdtable_create(void);
void fdtable_destroy(fdtable_t *t);             /* closes every slot */

/* Puts file (the caller's reference moves to the slot) at the lowest free fd. EMFILE. */
int fdtable_install(fdtable_t *t, file_t *file, bool clospawn, int *fd);
/* The same at the lowest free fd >= min (fcntl F_DUPFD): EINVAL for min < 0, EMFILE. */
int fdtable_install_from(fdtable_t *t, file_t *file, bool clospawn, int64_t min, int *fd);
file_t *fdtable_get(fdtable_t *t, int64_t fd);  /* +1 ref, or NULL (EBADF) */
int fdtable_close(fdtable_t *t, int64_t fd);
int fdtable_dup(fdtable_t *t, int64_t fd, int *newfd);
int fdtable_dup2(fdtable_t *t, int64_t oldfd, int64_t newfd);
int fdtable_set_clospawn(fdtable_t *t, int64_t fd, bool on);
int fdtable_get_clospawn(fdtable_t *t, int64_t fd, bool *on);
/* A new table with every slot of t (same files, same bits): a Linux vfork child's. NULL
 * when memory is short. */
fdtable_t *fdtable_copy(fdtable_t *t);
/* Closes every close-on-spawn slot: a Linux execve (the bit is Linux's FD_CLOEXEC there). */
void fdtable_close_marked(fdtable_t *t);

/* A child's table: fds 0-2 of parent unless empty (skipping close-on-spawn ones), then each
 * entry of list (parent fd -> child fd, later entries win). EBADF for a bad fd either side. */
int fdtable_for_spawn(fdtable_t *parent, const spawn_fd_t *list, size_t n, bool empty,
                      fdtable_t **out);

#endif
