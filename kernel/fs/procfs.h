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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/fs/vfs.h"

vnode_t *procfs_create(void); /* root directory (+1 ref) */

/* What /proc shows about one process (alive or zombie): a copy, so no lock is held while
 * it is formatted. The process layer (proc/process.h) uses these names as its own. */
#define PROCESS_NAME_MAX 32
typedef enum { PROCESS_ALIVE = 1, PROCESS_ZOMBIE } process_state_t;
typedef struct {
    uint64_t pid, parent;            /* parent 0: the kernel or orphaned */
    char name[PROCESS_NAME_MAX];
    process_state_t state;
    unsigned threads;
    uint64_t memory_pages;           /* user pages + page tables */
    uint64_t cpu_ns;                 /* CPU time of all its threads, ended ones included */
    uint64_t rss_pages;              /* user pages it owns (resident) */
    uint64_t vsize_pages;            /* pages of its mapped regions (guards and devices not) */
    uint64_t start_ns;               /* clock_now_ns() at its start */
    bool runnable;                   /* one of its threads runs or waits for a CPU */
} process_info_t;

/* Where /proc gets its processes: the process layer registers this table once at boot
 * (procfs_source_register ASSERTs every member is set; procfs ASSERTs it was). */
typedef struct {
    bool (*info)(uint64_t pid, process_info_t *out); /* false: no such process */
    bool (*next_pid)(uint64_t from, uint64_t *pid);  /* smallest pid >= from; false: none */
    size_t (*count)(void);                           /* processes in the table */
    uint64_t (*self_pid)(void);                      /* the caller's pid (/proc/self) */
} procfs_source_t;
void procfs_source_register(const procfs_source_t *src);

#endif
