/*
 * process_exec.c - the Linux ABI's process calls without fork (docs/design.md, "Two system-call
 * ABIs"): exec in place (a new image for the calling process, same pid, parent, descriptors
 * and directory) and vfork (a child that borrows its parent's address space until it execs or
 * exits, while the vforking thread sleeps). Invariant: a borrowed space (vfork_parent set) is
 * never destroyed by the child; its parent cannot leave before the child gives it back.
 */
#include <spindle/errno.h>
#include "kernel/fs/fdtable.h"
#include "kernel/fs/vfs.h"
#include "kernel/lib/string.h"
#include "kernel/panic.h"
#include "mm/heap.h"
#include "proc/exec.h"
#include "proc/process.h"
#include "proc/process_internal.h"
#include "proc/thread.h"

static void process_vfork_wait(process_t *child);

int process_exec(const spawn_request_t *req, exec_start_t *start)
{
    process_t *p = process_current();
    thread_t *self = sched_current();
    aspace_t *as;
    if (p->thread_count > 1)
        return EBUSY; /* the other threads would have to be ended first: not offered */
    exec_args_t args = { .argv = req->argv, .argc = req->argc, .envp = req->envp,
                         .envc = req->envc, .execfn = req->path };
    int err = process_load(p->cwd, req->path, &args, &as, start);
    if (err)
        return err;
    char *exe = process_exe_path(p->cwd, req->path);
    /* As Linux at exec: the CHILD_CLEARTID word is cleared and woken in the old image (a
     * vfork parent sharing it may wait there). */
    thread_exit_notify();
    uint64_t f = sched_lock();
    aspace_t *old = p->aspace;
    bool borrowed = p->vfork_parent != NULL;
    ASSERT(old && (!borrowed || p->vfork_parent->aspace == old));
    p->aspace = as;
    aspace_switch(old, as, self->cpu);
    strlcpy(p->name, process_basename(req->path), sizeof p->name);
    p->abi = (uint8_t)start->abi;
    p->brk_start = p->brk_end = start->image_end;
    process_vfork_release(p);
    sched_unlock(f);
    if (!borrowed)
        aspace_destroy(old);
    kfree(p->exe_path);
    p->exe_path = exe;
    kfree(p->sigactions); /* handlers do not survive exec */
    p->sigactions = NULL;
    self->robust_list = 0; /* addresses in the old image mean nothing now */
    fdtable_close_marked(p->fdt);
    return 0;
}

/* Scheduler lock held. Gives a vfork parent its address space back and wakes it. */
void process_vfork_release(process_t *p)
{
    if (!p->vfork_parent)
        return;
    p->vfork_parent = NULL;
    sched_wake_all(&p->vfork_waiters);
}

uint64_t process_vfork(uint64_t sp, void (*started)(process_t *parent, process_t *child),
                       int *err)
{
    process_t *parent = process_current(), *p = NULL;
    thread_t *self = sched_current();
    bool thread_slot = false;
    *err = EAGAIN;
    if (!process_slot_take())
        return 0;
    *err = ENOMEM;
    if (!(p = kzalloc(sizeof *p)) || !(p->fdt = fdtable_copy(parent->fdt)))
        goto fail;
    memcpy(p->name, parent->name, sizeof p->name);
    p->state = PROCESS_ALIVE;
    p->aspace = parent->aspace; /* borrowed until the child execs or exits */
    p->vfork_parent = parent;
    p->abi = parent->abi;
    p->brk_start = parent->brk_start;
    p->brk_end = parent->brk_end;
    p->cwd = vfs_cwd_get(&parent->cwd);
    if (parent->exe_path)
        p->exe_path = process_exe_path(p->cwd, parent->exe_path);
    if ((*err = thread_slot_take(p)) != 0)
        goto fail;
    thread_slot = true;
    p->main_thread = thread_create_user(p, p->name, 0, sp);
    if (!p->main_thread) {
        *err = ENOMEM;
        goto fail;
    }
    thread_frame_copy(p->main_thread, self, sp);
    process_link_child(parent, p);
    uint64_t pid = p->pid;
    if (started)
        started(parent, p);
    uint64_t f = sched_lock();
    sched_start(p->main_thread);
    process_vfork_wait(p);
    sched_unlock(f);
    *err = 0;
    return pid;
fail:
    if (thread_slot)
        thread_slot_release(p);
    if (p) {
        if (p->cwd)
            vnode_put(p->cwd);
        fdtable_destroy(p->fdt);
        kfree(p->exe_path);
    }
    kfree(p);
    process_slot_release();
    return 0;
}

/* Scheduler lock held. The vforking thread sleeps until child gives the space back. It
 * cannot leave before that, even when its own process is killed: the space would be freed
 * under the child. So a kill of the parent ends the child, and the wait goes on until the
 * child's exit releases the space. */
static void process_vfork_wait(process_t *child)
{
    process_t *parent = process_current();
    while (child->vfork_parent) {
        sched_wait(&child->vfork_waiters);
        if (parent->kill_pending && child->vfork_parent && !child->kill_pending) {
            child->kill_pending = true;
            child->kill_status = parent->kill_status;
            thread_interrupt_all(child);
        }
    }
}
