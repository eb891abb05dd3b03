/*
 * sys_thread.c - thread calls: thread_create, thread_exit, setpriority. (gettid and yield
 * are in sys_info.c.)
 */
#include "kernel/arch/arch.h"
#include "kernel/uaccess.h"
#include "proc/process.h"
#include "sched/sched.h"
#include "proc/thread.h"
#include "syscall/syscall.h"

SYSCALL_DEFINE(SYS_THREAD_CREATE, uint64_t, uptr_t entry, uptr_t arg, uptr_t stack)
{
    int err;
    uint64_t tid = thread_spawn_user(entry.addr, arg.addr, stack.addr, &err);
    return tid ? tid : syscall_fail(err);
}

/* The last thread out ends the process with status 0, like returning from main. */
SYSCALL_DEFINE(SYS_THREAD_EXIT, uint64_t)
{
    thread_exit_current(0);
}

/* Programs may only lower their threads' priority (nice 0..19): a negative nice would let
 * any program starve every other one, init included (Linux needs CAP_SYS_NICE for it).
 * Kernel threads may use the whole range. */
/* Any CPU, or none in particular: pinning only restricts where the caller's own threads run,
 * so any program may do it. */
SYSCALL_DEFINE(SYS_SETAFFINITY, uint64_t, uint64_t tid, int64_t c)
{
    if (c < -1 || c >= SCHED_MAX_CPUS)
        return syscall_fail(EINVAL);
    uint64_t f = sched_lock();
    thread_t *t = tid ? thread_find(process_current(), tid) : sched_current();
    int err = t ? sched_set_affinity(t, c < 0 ? SCHED_CPU_ANY : (unsigned)c) : ESRCH;
    sched_unlock(f);
    return err ? syscall_fail(err) : 0;
}

SYSCALL_DEFINE(SYS_SETPRIORITY, uint64_t, uint64_t tid, int64_t n)
{
    if (n < SCHED_NICE_MIN || n > SCHED_NICE_MAX)
        return syscall_fail(EINVAL);
    if (n < 0)
        return syscall_fail(EPERM);
    uint64_t f = sched_lock();
    thread_t *t = tid ? thread_find(process_current(), tid) : sched_current();
    int err = t ? sched_set_nice(t, (int)n) : ESRCH;
    sched_unlock(f);
    return err ? syscall_fail(err) : 0;
}

/* The kernel keeps the base per thread (sched_switch_to); WRMSR would fault on a
 * non-canonical value, and a kernel address is no user's TLS. */
SYSCALL_DEFINE(SYS_SET_FS_BASE, uint64_t, uptr_t base)
{
    if (!uaccess_range_ok(base.addr, 0))
        return syscall_fail(EINVAL);
    arch_set_user_fs_base(base.addr);
    return 0;
}

SYSCALL_DEFINE(SYS_CPUTIME, uint64_t, uint64_t tid)
{
    uint64_t ns = 0;
    int err = 0;
    uint64_t f = sched_lock();
    if (tid == CPUTIME_PROCESS) {
        ns = process_cpu_ns(process_current());
    } else {
        thread_t *t = tid ? thread_find(process_current(), tid) : sched_current();
        if (t)
            ns = sched_thread_cpu_ns(t);
        else
            err = ESRCH;
    }
    sched_unlock(f);
    return err ? syscall_fail(err) : ns;
}

/* Checked now, so a wrong word is an error the program sees rather than a silent no-op at
 * exit: it must be a 4-byte aligned user address. */
SYSCALL_DEFINE(SYS_THREAD_EXIT_WORD, uint64_t, uptr_t word)
{
    int err = thread_exit_word_check(word.addr);
    if (err)
        return syscall_fail(err);
    sched_current()->exit_word = word.addr;
    return 0;
}
