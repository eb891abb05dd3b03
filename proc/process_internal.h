/*
 * process_internal.h - what proc/process.c shares with proc/process_exec.c (the process
 * table's slots and links, program loading); nothing outside the two files uses it.
 */
#ifndef SCHED_PROCESS_INTERNAL_H
#define SCHED_PROCESS_INTERNAL_H

#include <stdbool.h>
#include "proc/exec.h"
#include "proc/process.h"

/* Counts one more process against SPINDLE_PROCESS_MAX (false: the limit is reached) / one
 * fewer. */
bool process_slot_take(void);
void process_slot_release(void);
/* Gives p its pid and makes it a child of parent (visible to wait and procfs). */
void process_link_child(process_t *parent, process_t *p);
/* The last component of path (the process name). */
const char *process_basename(const char *path);
/* Reads the program at path (from dir) and loads it into a new address space: 0 and *out,
 * or ENOENT, ENOEXEC, E2BIG, ENOMEM. */
int process_load(struct vnode *dir, const char *path, const exec_args_t *args, aspace_t **out,
                 exec_start_t *start);
/* The table process_hooks_register took (ASSERT: it was registered). */
const process_hooks_t *process_hooks(void);

#endif
