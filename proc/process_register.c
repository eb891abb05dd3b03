/*
 * process_register.c - the seams between the process layer and the layers around it.
 * Downward: the process layer answers what the scheduler (sched_owner_t), the page-fault
 * handler (aspace_current_register) and /proc (procfs_source_t) need to know about
 * processes, so none of them includes proc/. Upward: the system-call layer registers what
 * it does as processes start and end (process_hooks_t).
 *
 * Invariants: each table is registered exactly once at boot, before the first user thread,
 * fault or /proc lookup, with every member set; registration and use ASSERT both.
 */
#include "kernel/fs/procfs.h"
#include "kernel/panic.h"
#include "mm/aspace.h"
#include "proc/process_internal.h"
#include "proc/thread.h"

static const process_hooks_t *registered_hooks;

void process_hooks_register(const process_hooks_t *hooks)
{
    ASSERT(registered_hooks == NULL);
    ASSERT(hooks && hooks->started && hooks->exited);
    registered_hooks = hooks;
}

const process_hooks_t *process_hooks(void)
{
    ASSERT(registered_hooks != NULL);
    return registered_hooks;
}

static aspace_t *owner_aspace(const struct process *p)
{
    return p->aspace;
}

static bool owner_kill_pending(const struct process *p)
{
    return p != process_kernel() && p->kill_pending;
}

static aspace_t *current_aspace(void)
{
    return process_current()->aspace;
}

static uint64_t current_pid(void)
{
    return process_current()->pid;
}

static const sched_owner_t process_sched_owner = {
    .aspace = owner_aspace,
    .kill_pending = owner_kill_pending,
    .thread_attach = thread_attach,
    .thread_detach = thread_detach,
    .check_killed = process_check_killed,
};

static const procfs_source_t process_procfs_source = {
    .info = process_info,
    .next_pid = process_next_pid,
    .count = process_count,
    .self_pid = current_pid,
};

void process_register_lower(void)
{
    sched_owner_register(&process_sched_owner);
    aspace_current_register(current_aspace);
    procfs_source_register(&process_procfs_source);
}
