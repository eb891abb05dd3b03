/*
 * linux_proc.c - Linux processes without fork: vfork and clone(CLONE_VM | CLONE_VFORK) (the
 * child runs in the parent's memory until it execs or exits, the parent waits;
 * proc/process.c), execve in place (argv, envp, "#!" scripts), wait4 and waitid with Linux
 * status words. That is what popen, system and posix_spawn need (kill: linux_signal.c).
 */
#include "kernel/arch/arch.h"
#include "kernel/arch/cpu.h"
#include "kernel/lib/string.h"
#include "kernel/trace/trace.h"
#include "kernel/uaccess.h"
#include "mm/heap.h"
#include "proc/exec.h"
#include "sched/sched.h"
#include "syscall/linux/linux.h"
#include "syscall/sys_file.h"
#include "syscall/syscall_ctx.h"

#define SHEBANG_MAX 256   /* bytes of a "#!" line looked at (Linux: 256) */
#define LINUX_SIGSEGV 11

static void vfork_started(process_t *parent, process_t *child)
{
    trace_process_started(parent, child, NULL, 0);
}

int64_t linux_clone_vfork(uint64_t flags, void *stack)
{
    if (flags & ~(uint64_t)(LINUX_CLONE_VM | LINUX_CLONE_VFORK | LINUX_CSIGNAL))
        return -EINVAL;
    int err;
    uint64_t sp = stack ? (uint64_t)stack : thread_user_frame(sched_current())->rsp;
    if (!uaccess_range_ok(sp, 0))
        return -EINVAL;
    uint64_t pid = process_vfork(sp, vfork_started, &err);
    return pid ? (int64_t)pid : -err;
}

int64_t linux_sys_vfork(void)
{
    return linux_clone_vfork(LINUX_CLONE_VM | LINUX_CLONE_VFORK | LINUX_SIGCHLD, NULL);
}

/* "#!interp [arg]" at the start of path: 0 with *interp and *arg (kmalloc'ed, arg may be
 * NULL), or ENOEXEC when the file is no script (then it is run as a program). */
static int shebang_parse(const char *path, char **interp, char **arg)
{
    char *head = kzalloc(SHEBANG_MAX + 1);
    file_t *f = NULL;
    vnode_t *cwd = vfs_cwd_get(&process_current()->cwd);
    int err = head ? vfs_open(cwd, path, O_RDONLY, &f) : ENOMEM;
    vnode_put(cwd);
    int64_t n = err ? 0 : file_read(f, head, SHEBANG_MAX);
    if (f)
        file_put(f);
    if (!err && (n < 3 || head[0] != '#' || head[1] != '!'))
        err = ENOEXEC;
    char *s = head + 2, *end;
    if (!err) {
        head[n] = 0;
        for (end = s; *end && *end != '\n'; end++)
            ;
        *end = 0;
        while (*s == ' ' || *s == '\t')
            s++;
        for (end = s; *end && *end != ' ' && *end != '\t'; end++)
            ;
        char *a = end;
        if (*a)
            *a++ = 0;
        while (*a == ' ' || *a == '\t')
            a++;
        size_t al = strlen(a);
        while (al && (a[al - 1] == ' ' || a[al - 1] == '\t' || a[al - 1] == '\r'))
            a[--al] = 0;
        *interp = *s ? kmalloc(strlen(s) + 1) : NULL;
        *arg = al ? kmalloc(al + 1) : NULL;
        if (!*interp || (al && !*arg))
            err = *s ? ENOMEM : ENOEXEC;
        else {
            strlcpy(*interp, s, strlen(s) + 1);
            if (al)
                strlcpy(*arg, a, al + 1);
        }
    }
    kfree(head);
    return err;
}

/* Replaces the process's program; on success the thread starts it when this call returns. */
static int exec_start_program(spawn_request_t *req)
{
    exec_start_t start;
    int err = process_exec(req, &start);
    if (err)
        return err;
    thread_t *self = sched_current();
    interrupt_frame_t *f = thread_user_frame(self);
    uint64_t cs = f->cs, ss = f->ss;
    memset(f, 0, sizeof *f);
    f->cs = cs;
    f->ss = ss;
    f->rip = start.entry;
    f->rsp = start.stack_pointer;
    f->rflags = RFLAGS_IF | 0x2;
    arch_set_user_fs_base(0);
    wrmsr(MSR_GS_BASE, 0);
    syscall_ctx_mark_rewritten(&self->ctx); /* back through iretq with the new registers */
    return 0;
}

/* A script: argv becomes interp [arg] path argv[1..]; the interpreter must be a program. */
static int exec_script(spawn_request_t *req, const sys_args_t *args)
{
    char *interp = NULL, *arg = NULL;
    int err = shebang_parse(req->path, &interp, &arg);
    const char **v = err ? NULL : kmalloc((args->argc + 3) * sizeof *v);
    if (!err && !v)
        err = ENOMEM;
    if (!err) {
        size_t n = 0;
        v[n++] = interp;
        if (arg)
            v[n++] = arg;
        v[n++] = req->path;
        for (size_t i = 1; i < args->argc; i++)
            v[n++] = args->argv[i];
        v[n] = NULL;
        spawn_request_t script = *req;
        script.path = interp;
        script.argv = v;
        script.argc = n;
        err = exec_start_program(&script);
    }
    kfree(v);
    kfree(interp);
    kfree(arg);
    return err;
}

int64_t linux_sys_execve(const char *upath, const char *const *uargv, const char *const *uenvp)
{
    char *path;
    sys_args_t args = { 0 }, env = { 0 };
    int err = sys_path_copy(UPTR(upath), &path);
    if (err)
        return -err;
    err = sys_args_copy(&args, UPTR(uargv), true);
    if (!err)
        err = sys_args_copy(&env, UPTR(uenvp), true);
    if (!err) {
        spawn_request_t req = { .path = path, .argv = args.argv, .argc = args.argc,
                                .envp = env.argv, .envc = env.argc };
        err = exec_start_program(&req);
        if (err == ENOEXEC)
            err = exec_script(&req, &args) == 0 ? 0 : ENOEXEC;
    }
    sys_args_free(&args);
    sys_args_free(&env);
    kfree(path);
    return -err;
}

/* ---- wait4, kill ---- */

/* Linux's status word from the native one: exited code << 8, or the signal that ended it. A
 * process ended by a CPU fault reads as killed by the signal Linux would have sent. */
static uint32_t linux_wait_status(uint64_t st)
{
    if (!(st & WAIT_STATUS_KILLED))
        return (uint32_t)(st & 0xff) << 8;
    uint32_t code = (uint32_t)(st & 0xff);
    if (code < PROCESS_FAULT_BASE)
        return code;
    switch (code - PROCESS_FAULT_BASE) {
    case 0: return 8;  /* #DE: SIGFPE */
    case 3: return 5;  /* #BP: SIGTRAP */
    case 6: return 4;  /* #UD: SIGILL */
    case 16: case 19: return 8; /* x87, SIMD: SIGFPE */
    default: return LINUX_SIGSEGV;
    }
}

int64_t linux_sys_wait4(int64_t pid, void *ustatus, uint64_t options, void *rusage)
{
    if (options & ~(uint64_t)(LINUX_WNOHANG | 2 | 8 | LINUX_WALL | LINUX_WCLONE))
        return -EINVAL; /* WUNTRACED (2) and WCONTINUED (8): nothing stops, so nothing shows */
    pid = (int32_t)pid;
    uint64_t want = pid > 0 ? (uint64_t)pid : WAIT_ANY; /* process groups: every child */
    uint64_t st = 0;
    int err = 0;
    uint64_t got = process_wait(process_current(), want, options & LINUX_WNOHANG, &st, &err);
    if (got == ERR)
        return -err;
    if (got) {
        uint32_t word = linux_wait_status(st);
        if (ustatus && copy_to_user(ustatus, &word, sizeof word))
            return -EFAULT;
        uint64_t ru[18] = { 0 };
        if (rusage && copy_to_user(rusage, ru, sizeof ru))
            return -EFAULT;
    }
    return (int64_t)got;
}

/* waitid with WEXITED only (nothing stops or continues here); the siginfo_t it fills is 128
 * bytes: si_signo, si_errno, si_code, then si_pid, si_uid, si_status from offset 16. */
int64_t linux_sys_waitid(int64_t idtype, int64_t id, void *infop, uint64_t options, void *rusage)
{
    idtype = (int32_t)idtype;
    id = (int32_t)id;
    if (!(options & LINUX_WEXITED) ||
        (options & ~(uint64_t)(LINUX_WEXITED | LINUX_WNOHANG | LINUX_WALL | LINUX_WCLONE)))
        return -EINVAL;
    if ((idtype != LINUX_P_PID && idtype != LINUX_P_ALL) || (idtype == LINUX_P_PID && id <= 0))
        return -EINVAL;
    uint64_t st = 0;
    int err = 0;
    uint64_t got = process_wait(process_current(), idtype == LINUX_P_PID ? (uint64_t)id : WAIT_ANY,
                                options & LINUX_WNOHANG, &st, &err);
    if (got == ERR)
        return -err;
    int32_t info[32] = { 0 };
    if (got) {
        uint32_t word = linux_wait_status(st);
        bool killed = (word & 0x7f) != 0;
        info[0] = LINUX_SIGCHLD;
        info[2] = killed ? LINUX_CLD_KILLED : LINUX_CLD_EXITED;
        info[4] = (int32_t)got;
        info[6] = killed ? (int32_t)(word & 0x7f) : (int32_t)(word >> 8 & 0xff);
    }
    uint64_t ru[18] = { 0 };
    if (infop && copy_to_user(infop, info, sizeof info))
        return -EFAULT;
    if (rusage && copy_to_user(rusage, ru, sizeof ru))
        return -EFAULT;
    return 0;
}
