/*
 * procfs.h - /proc: one directory per live or zombie process (/proc/PID, and /proc/self
 * for the caller) holding read-only text files: status (all fields, "key: value" lines),
 * name, state, parent, threads, memory (KiB of user pages), stat (Linux's format); and
 * the machine's files in the root: system, and the Linux-format meminfo, uptime, cpuinfo,
 * stat, loadavg. Vnodes are made on lookup and freed with their last reference; the text
 * is a snapshot taken at open, never mappable (no read_page).
 */
#ifndef KERNEL_FS_PROCFS_H
#define KERNEL_FS_PROCFS_H

#include "kernel/fs/vfs.h"

vnode_t *procfs_create(void); /* root directory (+1 ref) */

#endif
