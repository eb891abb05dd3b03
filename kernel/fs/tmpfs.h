/*
 * tmpfs.h - the RAM file system of the root. File data and each file's page index (a radix
 * tree of pages) live in whole pages from the page allocator, never from the kernel's
 * reserve; their total is capped (tmpfs_set_limit) so a full disk is ENOSPC, never an
 * out-of-memory panic or a kernel left unable to remove files. Directories keep their entries in creation order, each with a
 * serial number that getdents uses as its cookie, so entries removed or added during a
 * listing never make it skip or repeat the others.
 */
#ifndef KERNEL_FS_TMPFS_H
#define KERNEL_FS_TMPFS_H

#include "kernel/fs/vfs.h"

#define TMPFS_MAX_NODES 65536

/* A fresh tmpfs; its root directory (+1 ref). */
vnode_t *tmpfs_create_root(void);
/* Fills dir (the root) from a USTAR archive; logs skipped entries. vfs_lock held. */
void tmpfs_import_tar_locked(vnode_t *root, const void *archive, uint64_t size);
/* Writes into a tmpfs file at offset (import and tests). vfs_lock held. */
int64_t tmpfs_write_locked(vnode_t *v, const void *buf, size_t n, uint64_t offset);

void tmpfs_set_limit(uint64_t max_bytes);
uint64_t tmpfs_limit(void);
uint64_t tmpfs_bytes_used(void);

#endif
