/*
 * sys_process.c - process lifetime calls: process_exit, thread_exit (single-threaded
 * processes: ends the process with status 0), spawn and wait. Every user pointer goes
 * through uaccess; argv is copied whole into kernel memory before anything is started.
 */
#include "kernel/lib/string.h"
#include "kernel/uaccess.h"
#include "mm/heap.h"
#include "sched/exec.h"
#include "sched/process.h"
#include "syscall/syscall.h"

#define SPAWN_ARG_MAX      4096 /* one argument string, with its NUL */
#define SPAWN_FDS_MAX      64   /* entries read from a spawn_fd_t array */
#define SPAWN_FLAGS_KNOWN  SPAWN_EMPTY_FDS

SYSCALL_DEFINE(SYS_PROCESS_EXIT, uint64_t, uint64_t status)
{
    process_exit_current(status & 0xff);
}

SYSCALL_DEFINE(SYS_THREAD_EXIT, uint64_t)
{
    process_exit_current(0);
}

/* Kernel copy of a user argv: pointers into one string buffer. */
typedef struct {
    char *strings;
    const char **argv;
    size_t argc;
} spawn_args_t;

static void spawn_args_free(spawn_args_t *a)
{
    kfree(a->strings);
    kfree(a->argv);
}

static int spawn_args_copy(spawn_args_t *a, const void *user_argv)
{
    a->strings = kmalloc(EXEC_ARGS_MAX);
    a->argv = kmalloc((EXEC_ARGC_MAX + 1) * sizeof(char *));
    a->argc = 0;
    if (!a->strings || !a->argv)
        return ENOMEM;
    size_t used = 0;
    for (;; a->argc++) {
        uint64_t uptr;
        if (copy_from_user(&uptr, (const uint64_t *)user_argv + a->argc, sizeof uptr))
            return EFAULT;
        if (!uptr)
            break;
        if (a->argc == EXEC_ARGC_MAX)
            return E2BIG;
        size_t room = EXEC_ARGS_MAX - used, len;
        int err = copy_string_from_user(a->strings + used, (const void *)uptr,
                                        room < SPAWN_ARG_MAX ? room : SPAWN_ARG_MAX, &len);
        if (err)
            return err == ENAMETOOLONG ? E2BIG : err;
        a->argv[a->argc] = a->strings + used;
        used += len + 1;
    }
    a->argv[a->argc] = NULL;
    return a->argc ? 0 : EINVAL;
}

/* The child's descriptor table from the parent's and the optional spawn_fd_t list. */
static int spawn_fds_build(uint8_t child[PROCESS_MAX_FDS], const process_t *parent,
                           const void *user_fds, uint64_t flags)
{
    memset(child, FD_NONE, PROCESS_MAX_FDS);
    if (!(flags & SPAWN_EMPTY_FDS))
        for (int fd = 0; fd < 3; fd++)
            child[fd] = parent->fds[fd];
    if (!user_fds)
        return 0;
    for (int i = 0; i < SPAWN_FDS_MAX; i++) {
        spawn_fd_t e;
        if (copy_from_user(&e, (const spawn_fd_t *)user_fds + i, sizeof e))
            return EFAULT;
        if (e.child == SPAWN_FD_END)
            return 0;
        if (e.child < 0 || e.child >= PROCESS_MAX_FDS || e.parent < 0 ||
            e.parent >= PROCESS_MAX_FDS || parent->fds[e.parent] == FD_NONE)
            return EBADF;
        child[e.child] = parent->fds[e.parent];
    }
    return EINVAL; /* no SPAWN_FD_END within the limit */
}

SYSCALL_DEFINE(SYS_SPAWN, uint64_t, const void *argv, const void *fds, const void *cwd,
               uint64_t flags)
{
    if (flags & ~(uint64_t)SPAWN_FLAGS_KNOWN)
        return syscall_fail(EINVAL);
    process_t *self = process_current();
    uint8_t child_fds[PROCESS_MAX_FDS];
    int err = spawn_fds_build(child_fds, self, fds, flags);
    if (err)
        return syscall_fail(err);
    if (cwd) { /* no file system yet: only checked to be a readable string */
        char dir[SPAWN_ARG_MAX];
        err = copy_string_from_user(dir, cwd, sizeof dir, NULL);
        if (err)
            return syscall_fail(err);
    }
    spawn_args_t args = { 0 };
    err = spawn_args_copy(&args, argv);
    uint64_t pid = 0;
    if (!err) {
        spawn_request_t req = { .path = args.argv[0], .argv = args.argv, .argc = args.argc,
                                .fds = child_fds };
        pid = process_spawn(self, &req, &err);
    }
    spawn_args_free(&args);
    return err ? syscall_fail(err) : pid;
}

SYSCALL_DEFINE(SYS_WAIT, uint64_t, uint64_t pid, void *status, uint64_t flags)
{
    if (flags & ~(uint64_t)WNOHANG)
        return syscall_fail(EINVAL);
    uint64_t st = 0;
    int err = 0;
    uint64_t got = process_wait(process_current(), pid, flags & WNOHANG, &st, &err);
    if (got == ERR)
        return syscall_fail(err);
    if (got && status) {
        int32_t word = (int32_t)st;
        if (copy_to_user(status, &word, sizeof word))
            return syscall_fail(EFAULT);
    }
    return got;
}

SYSCALL_DEFINE(SYS_KILL, uint64_t, uint64_t pid, uint64_t code)
{
    int err = process_kill(pid, code);
    return err ? syscall_fail(err) : 0;
}
