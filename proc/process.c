/*
 * process.c - the process table, spawn, exit, wait and the kill-on-fault hook (see
 * process.h for the lifetime rules). Process links (children, table) change only under
 * the scheduler lock, like the scheduler's queues.
 */
#include "proc/process.h"
#include <spindle/abi.h>
#include <spindle/errno.h>
#include <spindle/limits.h>
#include "kernel/arch/arch.h"
#include "kernel/arch/cpu.h"
#include "kernel/cmdline.h"
#include "kernel/time/clock.h"
#include "kernel/fs/fdtable.h"
#include "kernel/fs/vfs.h"
#include "mm/hhdm.h"
#include "kernel/kprintf.h"
#include "kernel/lib/string.h"
#include "kernel/panic.h"
#include "mm/heap.h"
#include "proc/exec.h"
#include "proc/process_internal.h"
#include "proc/thread.h"


static process_t kernel_process = { .pid = 0, .name = "kernel", .state = PROCESS_ALIVE };
static process_t *process_table;  /* every user process, linked through next_in_table */
static uint64_t next_pid = 1;
/* Processes counted against SPINDLE_PROCESS_MAX: taken when a spawn starts, given back when
 * the spawn fails or the process's entry is freed (process_free_zombie). Atomic, so a
 * spawn is refused before it allocates anything. */
static uint32_t process_slots;

process_t *process_kernel(void)
{
    return &kernel_process;
}

process_t *process_current(void)
{
    return sched_current()->process;
}

void process_init(const boot_info_t *bi)
{
    sched_init(&kernel_process);
    const void *archive = bi->root_archive_phys ? phys_to_virt(bi->root_archive_phys) : NULL;
    vfs_init(archive, bi->root_archive_size, &bi->fb);
    kernel_process.cwd = vfs_root();
    vnode_get(kernel_process.cwd);
}

static void table_add(process_t *p)
{
    p->next_in_table = process_table;
    process_table = p;
}

static void table_remove(process_t *p)
{
    for (process_t **pp = &process_table; *pp; pp = &(*pp)->next_in_table) {
        if (*pp == p) {
            *pp = p->next_in_table;
            return;
        }
    }
    panic("process: pid %lu is not in the table", (unsigned long)p->pid);
}

size_t process_count(void)
{
    uint64_t f = sched_lock();
    size_t n = 0;
    for (process_t *p = process_table; p; p = p->next_in_table)
        n++;
    sched_unlock(f);
    return n;
}

size_t process_slots_used(void)
{
    return __atomic_load_n(&process_slots, __ATOMIC_RELAXED);
}

bool process_slot_take(void)
{
    if (__atomic_add_fetch(&process_slots, 1, __ATOMIC_RELAXED) <= SPINDLE_PROCESS_MAX)
        return true;
    __atomic_sub_fetch(&process_slots, 1, __ATOMIC_RELAXED);
    return false;
}

void process_slot_release(void)
{
    uint32_t was = __atomic_fetch_sub(&process_slots, 1, __ATOMIC_RELAXED);
    ASSERT(was > 0);
}

const char *process_basename(const char *path)
{
    const char *b = path;
    for (const char *s = path; *s; s++)
        if (*s == '/' && s[1])
            b = s + 1;
    return b;
}

/* Gives p its pid and makes it a child of parent (visible to wait and procfs). */
void process_link_child(process_t *parent, process_t *p)
{
    uint64_t f = sched_lock();
    p->pid = next_pid++;
    p->start_ns = clock_now_ns();
    p->parent = parent;
    p->next_sibling = parent->children;
    parent->children = p;
    table_add(p);
    sched_unlock(f);
}

/* The absolute form of path (relative ones from dir), kmalloc'ed; NULL when memory is short
 * or dir has no path. */
char *process_exe_path(vnode_t *dir, const char *path)
{
    char *abs = kmalloc(VFS_PATH_MAX);
    if (!abs)
        return NULL;
    size_t len = 0;
    if (path[0] != '/') {
        if (vfs_path_of(dir, abs, VFS_PATH_MAX)) {
            kfree(abs);
            return NULL;
        }
        len = strlen(abs);
        if (len > 1 && len < VFS_PATH_MAX - 1)
            abs[len++] = '/';
        else if (len == 1)
            len = 1;
    }
    strlcpy(abs + len, path, VFS_PATH_MAX - len);
    return abs;
}

/* Programs are read whole from the file system (relative paths from the child's working
 * directory); one over this size is not loadable. */
#define PROCESS_PROGRAM_MAX (64ULL << 20)

/* Reads the program at path (from dir) and loads it into a new address space: 0 and *out,
 * or ENOENT, ENOEXEC, E2BIG, ENOMEM. Shared by spawn and exec. */
int process_load(vnode_t *dir, const char *path, const exec_args_t *args, aspace_t **out,
                 exec_start_t *start)
{
    uint8_t *file;
    size_t size;
    int err = vfs_read_whole(dir, path, PROCESS_PROGRAM_MAX, &file, &size);
    if (err)
        return err == EFBIG ? ENOEXEC : err == ENOTDIR ? ENOENT : err;
    aspace_t *as = aspace_create();
    err = as ? exec_load(as, file, size, args, start) : ENOMEM;
    kfree(file);
    if (err) {
        aspace_destroy(as);
        return err;
    }
    *out = as;
    return 0;
}

uint64_t process_spawn(process_t *parent, const spawn_request_t *req, int *err)
{
    exec_start_t start;
    process_t *p = NULL;
    aspace_t *as = NULL;
    bool slot = false, thread_slot = false;
    *err = EAGAIN;
    if (!(slot = process_slot_take()))
        goto fail;
    exec_args_t args = { .argv = req->argv, .argc = req->argc, .envp = req->envp,
                         .envc = req->envc, .execfn = req->path };
    *err = process_load(req->cwd ? req->cwd : vfs_root(), req->path, &args, &as, &start);
    if (*err)
        goto fail;
    *err = ENOMEM;
    p = kzalloc(sizeof *p);
    if (!p)
        goto fail;
    *err = req->share_from ? aspace_share_into(as, req->share_from) : 0;
    if (*err)
        goto fail;
    strlcpy(p->name, process_basename(req->path), sizeof p->name);
    p->state = PROCESS_ALIVE;
    p->aspace = as;
    p->abi = (uint8_t)start.abi;
    p->brk_start = p->brk_end = start.image_end;
    p->fdt = req->fdt;
    p->cwd = req->cwd;
    if (!p->cwd) {
        p->cwd = vfs_root();
        vnode_get(p->cwd);
    }
    p->exe_path = process_exe_path(p->cwd, req->path);
    *err = thread_slot_take(p);
    if (*err)
        goto fail;
    thread_slot = true;
    p->main_thread = thread_create_user(p, p->name, start.entry, start.stack_pointer);
    if (!p->main_thread) {
        *err = ENOMEM;
        goto fail;
    }
    process_link_child(parent, p);
    *err = 0;
    process_hooks()->started(parent, p, req->argv, req->argc);
    sched_start(p->main_thread);
    return p->pid;
fail:
    if (p && p->cwd) /* the thread failed: the request's table and cwd were taken over */
        vnode_put(p->cwd);
    else if (req->cwd)
        vnode_put(req->cwd);
    fdtable_destroy(req->fdt);
    aspace_destroy(as);
    if (thread_slot)
        thread_slot_release(p);
    if (p)
        kfree(p->exe_path);
    kfree(p);
    if (slot)
        process_slot_release();
    return 0;
}

static void child_unlink(process_t *parent, process_t *c)
{
    for (process_t **pp = &parent->children; *pp; pp = &(*pp)->next_sibling) {
        if (*pp == c) {
            *pp = c->next_sibling;
            return;
        }
    }
}

/* Scheduler lock held. Frees a zombie that nobody will wait for any more. */
static void process_free_zombie(process_t *p)
{
    ASSERT(p->state == PROCESS_ZOMBIE && !p->aspace);
    ASSERT(!p->trace); /* freed by the exit hook, and trace() skips ending processes */
    table_remove(p);
    kfree(p);
    process_slot_release();
}

uint64_t process_wait(process_t *parent, uint64_t pid, bool nohang, uint64_t *status, int *err)
{
    uint64_t f = sched_lock();
    for (;;) {
        bool any = false;
        for (process_t *c = parent->children; c; c = c->next_sibling) {
            if (pid != WAIT_ANY && c->pid != pid)
                continue;
            any = true;
            if (c->state != PROCESS_ZOMBIE)
                continue;
            uint64_t got = c->pid;
            *status = c->exit_status;
            child_unlink(parent, c);
            process_free_zombie(c);
            sched_unlock(f);
            return got;
        }
        if (!any || nohang) {
            sched_unlock(f);
            if (!any)
                *err = ECHILD;
            return any ? 0 : ERR;
        }
        sched_wait(&parent->child_waiters);
        if (parent->kill_pending) {
            sched_unlock(f);
            process_check_killed();
        }
    }
}

static process_t *process_find_live(uint64_t pid)
{
    for (process_t *p = process_table; p; p = p->next_in_table)
        if (p->pid == pid && p->state == PROCESS_ALIVE)
            return p;
    return NULL;
}

/* A process may end itself and its descendants, nobody else: there are no users yet, so
 * ancestry is the permission (a hostile app cannot kill init or its siblings). The kernel
 * process may kill anyone. */
static bool process_may_kill(const process_t *killer, const process_t *victim)
{
    if (killer == &kernel_process)
        return true;
    for (const process_t *q = victim; q; q = q->parent)
        if (q == killer)
            return true;
    return false;
}

int process_kill(uint64_t pid, uint64_t code)
{
    if (code > 0xff)
        return EINVAL;
    if (pid == kernel_process.pid)
        return EPERM;
    uint64_t f = sched_lock();
    process_t *p = process_find_live(pid);
    if (!p) {
        sched_unlock(f);
        return ESRCH;
    }
    if (!process_may_kill(process_current(), p)) {
        sched_unlock(f);
        return EPERM;
    }
    if (!p->kill_pending) {
        p->kill_pending = true;
        p->kill_status = WAIT_STATUS_KILLED | code;
    }
    sched_wake_all(&p->child_waiters); /* only p's own threads wait there */
    thread_interrupt_all(p);            /* futex, sleep, ... */
    sched_unlock(f);
    if (p == process_current())
        process_check_killed();
    return 0;
}

void process_check_killed(void)
{
    process_t *p = process_current();
    if (p != &kernel_process && p->kill_pending)
        process_exit_current(p->kill_status);
}

void process_exit_current(uint64_t status)
{
    process_t *p = process_current();
    ASSERT(p != &kernel_process);
    sched_lock(); /* held to the end: this thread never returns */
    /* The first exit or kill decides the status; every other thread stops at its next safe
     * point and the last one out tears the process down (proc/thread.c). */
    if (!p->kill_pending) {
        p->kill_pending = true;
        p->kill_status = status;
    }
    status = p->kill_status;
    if (thread_leave_process())
        sched_exit_current();
    process_hooks()->exited(p, status);
    fdtable_destroy(p->fdt); /* the last thread is out: nobody uses them any more */
    p->fdt = NULL;
    vnode_put(p->cwd);
    p->cwd = NULL;
    kfree(p->sigactions);
    p->sigactions = NULL;
    kfree(p->exe_path);
    p->exe_path = NULL;
    ASSERT(sched_lock_held()); /* nothing may switch to this space from here on */
    aspace_t *as = p->aspace;
    bool borrowed = p->vfork_parent != NULL; /* a vfork child: the space is its parent's */
    ASSERT(!borrowed || p->vfork_parent->aspace == as); /* the parent waits: it still has it */
    p->aspace = NULL;
    aspace_activate(NULL);
    process_vfork_release(p);
    if (!borrowed)
        aspace_destroy(as);

    for (process_t *c = p->children, *next; c; c = next) {
        next = c->next_sibling;
        c->parent = NULL;
        c->next_sibling = NULL;
        if (c->state == PROCESS_ZOMBIE)
            process_free_zombie(c);
    }
    p->children = NULL;
    p->exit_status = status;
    p->state = PROCESS_ZOMBIE;
    p->main_thread = NULL;
    if (p->parent) {
        sched_wake_all(&p->parent->child_waiters);
    } else {
        process_free_zombie(p); /* orphan: nobody will wait */
    }
    sched_exit_current();
}

static const char *pf_access(uint64_t err)
{
    return (err & PF_FETCH) ? "exec" : (err & PF_WRITE) ? "write" : "read";
}

/* Ring-3 exception (the user_fault hook of kernel/arch/hooks.h): one line, then the process
 * dies; the kernel and every other process go on. */
void process_user_fault(interrupt_frame_t *f)
{
    process_t *p = process_current();
    if (f->vector == VECTOR_NMI) {
        kprintf("nmi: while pid %lu (%s) ran in user mode; ignored\n", (unsigned long)p->pid,
                p->name);
        return; /* not the program's doing */
    }
    if (p == &kernel_process || f->vector == VECTOR_DOUBLE_FAULT ||
        f->vector == VECTOR_MACHINE_CHECK)
        exception_fatal(f); /* a kernel bug or the machine's, not the program's */
    if (f->vector == VECTOR_PAGE_FAULT)
        kprintf("pid %lu (%s): page fault at 0x%lx (%s, user), rip 0x%lx: %s\n",
                (unsigned long)p->pid, p->name, read_cr2(), pf_access(f->error_code), f->rip,
                aspace_fault_last_reason());
    else
        kprintf("pid %lu (%s): %s, error code 0x%lx, rip 0x%lx\n", (unsigned long)p->pid,
                p->name, exception_name(f->vector), f->error_code, f->rip);
    process_exit_current(WAIT_STATUS_KILLED | (PROCESS_FAULT_BASE + f->vector));
}

/* fds 0, 1, 2 on one open file of /dev/console, for init. */
static struct fdtable *process_console_fds(int *err)
{
    fdtable_t *t = fdtable_create();
    file_t *f = NULL;
    int fd;
    *err = t ? vfs_open(vfs_root(), "/dev/console", O_RDWR, &f) : ENOMEM;
    for (int i = 0; i < 3 && !*err; i++) {
        file_get(f);
        *err = fdtable_install(t, f, false, &fd);
    }
    if (f)
        file_put(f);
    if (*err) {
        fdtable_destroy(t);
        return NULL;
    }
    return t;
}

uint64_t process_cpu_ns(const process_t *p)
{
    uint64_t ns = p->cpu_ns_ended;
    for (const thread_t *t = p->threads; t; t = t->proc_next)
        ns += sched_thread_cpu_ns(t);
    return ns;
}

bool process_info(uint64_t pid, process_info_t *out)
{
    uint64_t f = sched_lock();
    process_t *p = process_table;
    while (p && p->pid != pid)
        p = p->next_in_table;
    if (p) {
        out->pid = p->pid;
        out->parent = p->parent ? p->parent->pid : 0;
        memcpy(out->name, p->name, sizeof out->name);
        out->state = p->state;
        out->threads = p->thread_count;
        out->memory_pages = p->aspace ? p->aspace->user_pages + p->aspace->table_pages : 0;
        out->cpu_ns = process_cpu_ns(p);
        out->rss_pages = p->aspace ? p->aspace->user_pages : 0;
        out->vsize_pages = p->aspace ? p->aspace->mapped_pages : 0;
        out->start_ns = p->start_ns;
        out->runnable = false;
        for (const thread_t *t = p->threads; t; t = t->proc_next)
            out->runnable |= t->state == THREAD_READY || t->state == THREAD_RUNNING;
    }
    sched_unlock(f);
    return p != NULL;
}

bool process_next_pid(uint64_t from, uint64_t *pid)
{
    uint64_t f = sched_lock();
    uint64_t best = 0;
    for (process_t *p = process_table; p; p = p->next_in_table)
        if (p->pid >= from && (!best || p->pid < best))
            best = p->pid;
    sched_unlock(f);
    *pid = best;
    return best != 0;
}

int process_run_init(void)
{
    static const char *argv[CMDLINE_MAX_ARGS + 2];
    size_t argc = 0;
    argv[argc++] = "/bin/init";
    for (size_t i = 0; i < kernel_cmdline.init_argc && kernel_cmdline.init_argv[i]; i++)
        argv[argc++] = kernel_cmdline.init_argv[i];
    argv[argc] = NULL;
    int err;
    spawn_request_t req = { .path = argv[0], .argv = argv, .argc = argc };
    req.fdt = process_console_fds(&err);
    uint64_t pid = req.fdt ? process_spawn(&kernel_process, &req, &err) : 0;
    if (!pid) {
        kprintf("init: cannot start %s: %s\n", argv[0], spindle_errno_name(err));
        return 127;
    }
    uint64_t status = 0;
    process_wait(&kernel_process, pid, false, &status, &err);
    kprintf("init: pid %lu exited with status 0x%lx\n", (unsigned long)pid,
            (unsigned long)status);
    return (int)status;
}
