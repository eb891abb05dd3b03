/*
 * sys_mem_fd.h - the file side of mmap (sys_mem_fd.c): what an fd maps to, and the file
 * operations table mm/ calls for file regions (kernel_main registers it with
 * aspace_file_ops_register).
 */
#ifndef SYSCALL_SYS_MEM_FD_H
#define SYSCALL_SYS_MEM_FD_H

#include <stdbool.h>
#include <stdint.h>
#include "mm/aspace.h"

extern const aspace_file_ops_t sys_mem_fd_file_ops;

/* fd-backed mappings (SYS_MMAP without MAP_ANONYMOUS): fills req's kind and backing for the
 * file open as fd. On success with a file, req->file holds a reference for the call (the
 * region takes its own). EINVAL, EBADF, ENODEV, EACCES. */
int sys_mem_fd_request(uint64_t fd, uint64_t offset, bool shared, aspace_map_req_t *req);

#endif
