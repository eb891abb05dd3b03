/*
 * sys_process.c - process lifetime calls: process_exit, spawn and wait (thread_exit is in
 * sys_thread.c). Every user pointer goes
 * through uaccess; argv is copied whole into kernel memory before anything is started.
 */
#include "kernel/lib/string.h"
#include "kernel/uaccess.h"
#include "mm/heap.h"
#include "proc/exec.h"
#include "proc/process.h"
#include "syscall/syscall.h"
#include "syscall/sys_file.h"

#define SPAWN_ARG_MAX      4096 /* one argument string, with its NUL */
#define SPAWN_FLAGS_KNOWN  (SPAWN_EMPTY_FDS | SPAWN_SHARE_MEMORY)

SYSCALL_DEFINE(SYS_PROCESS_EXIT, uint64_t, int64_t status)
{
    process_exit_current(status & 0xff);
}

void sys_args_free(sys_args_t *a)
{
    kfree(a->strings);
    kfree(a->argv);
}

int sys_args_copy(sys_args_t *a, uptr_t user_argv, bool allow_empty)
{
    a->strings = kmalloc(EXEC_ARGS_MAX);
    a->argv = kmalloc((EXEC_ARGC_MAX + 1) * sizeof(char *));
    a->argc = 0;
    if (!a->strings || !a->argv)
        return ENOMEM;
    a->argv[0] = NULL;
    if (!user_argv.addr && allow_empty)
        return 0;
    size_t used = 0;
    for (;; a->argc++) {
        uptr_t arg;
        if (uaccess_read(&arg.addr, uptr_offset(user_argv, a->argc * sizeof arg.addr),
                         sizeof arg.addr))
            return EFAULT;
        if (!arg.addr)
            break;
        if (a->argc == EXEC_ARGC_MAX)
            return E2BIG;
        size_t room = EXEC_ARGS_MAX - used, len;
        int err = uaccess_read_string(a->strings + used, arg,
                                      room < SPAWN_ARG_MAX ? room : SPAWN_ARG_MAX, &len);
        if (err)
            return err == ENAMETOOLONG ? E2BIG : err;
        a->argv[a->argc] = a->strings + used;
        used += len + 1;
    }
    a->argv[a->argc] = NULL;
    return a->argc || allow_empty ? 0 : EINVAL;
}

SYSCALL_DEFINE(SYS_SPAWN, uint64_t, uptr_t argv, uptr_t fds, uptr_t cwd, uint64_t flags)
{
    if (flags & ~(uint64_t)SPAWN_FLAGS_KNOWN)
        return syscall_fail(EINVAL);
    process_t *self = process_current();
    spawn_files_t files;
    int err = spawn_files_prepare(self, fds, cwd, flags & SPAWN_EMPTY_FDS, &files);
    if (err)
        return syscall_fail(err);
    sys_args_t args = { 0 };
    err = sys_args_copy(&args, argv, false);
    uint64_t pid = 0;
    if (!err) {
        spawn_request_t req = { .path = args.argv[0], .argv = args.argv, .argc = args.argc,
                                .fdt = files.fdt, .cwd = files.cwd,
                                .share_from = flags & SPAWN_SHARE_MEMORY ? self->aspace : NULL };
        pid = process_spawn(self, &req, &err); /* takes the table and cwd over */
    } else {
        spawn_files_discard(&files);
    }
    sys_args_free(&args);
    return err ? syscall_fail(err) : pid;
}

SYSCALL_DEFINE(SYS_WAIT, uint64_t, uint64_t pid, uptr_t status, uint64_t flags)
{
    if (flags & ~(uint64_t)WNOHANG)
        return syscall_fail(EINVAL);
    uint64_t st = 0;
    int err = 0;
    uint64_t got = process_wait(process_current(), pid, flags & WNOHANG, &st, &err);
    if (got == ERR)
        return syscall_fail(err);
    if (got && status.addr) {
        int32_t word = (int32_t)st;
        if (uaccess_write(status, &word, sizeof word))
            return syscall_fail(EFAULT);
    }
    return got;
}

SYSCALL_DEFINE(SYS_KILL, uint64_t, uint64_t pid, int64_t code)
{
    int err = process_kill(pid, code);
    return err ? syscall_fail(err) : 0;
}
