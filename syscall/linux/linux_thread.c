/*
 * linux_thread.c - Linux threads: clone (pthread flags; vfork in linux_proc.c), futex, exit
 * (one thread; the exit word of set_tid_address or CLONE_CHILD_CLEARTID is cleared and woken
 * after its stack is gone, as natively) and exit_group.
 */
#include "kernel/arch/arch.h"
#include "kernel/time/clock.h"
#include "kernel/uaccess.h"
#include "sched/futex.h"
#include "sched/sched.h"
#include "proc/thread.h"
#include "syscall/linux/linux.h"

int64_t linux_sys_exit(int64_t status)
{
    thread_exit_current((uint64_t)status & 0xff);
}

int64_t linux_sys_exit_group(int64_t status)
{
    return LN1(SYS_PROCESS_EXIT, status);
}

/* ---- clone: threads (vfork is in linux_proc.c) ---- */

#define CLONE_THREAD_NEEDED (LINUX_CLONE_VM | LINUX_CLONE_FS | LINUX_CLONE_FILES | \
                             LINUX_CLONE_SIGHAND | LINUX_CLONE_THREAD)
#define CLONE_THREAD_OPTIONAL (LINUX_CLONE_SYSVSEM | LINUX_CLONE_SETTLS | \
                               LINUX_CLONE_PARENT_SETTID | LINUX_CLONE_CHILD_CLEARTID | \
                               LINUX_CLONE_CHILD_SETTID | LINUX_CLONE_DETACHED)

static int64_t clone_thread(uint64_t flags, void *stack, void *ptid, void *ctid, void *tls)
{
    if (flags & ~(uint64_t)(CLONE_THREAD_NEEDED | CLONE_THREAD_OPTIONAL))
        return -EINVAL; /* an exit signal, or a flag Spindle has no meaning for */
    uint64_t fs = flags & LINUX_CLONE_SETTLS ? (uint64_t)tls : arch_user_fs_base();
    uint64_t words[2] = { flags & LINUX_CLONE_PARENT_SETTID ? (uint64_t)ptid : 0,
                          flags & LINUX_CLONE_CHILD_SETTID ? (uint64_t)ctid : 0 };
    int err;
    uint64_t tid = thread_clone_user((uint64_t)stack, fs,
                                     flags & LINUX_CLONE_CHILD_CLEARTID ? (uint64_t)ctid : 0,
                                     words, &err);
    return tid ? (int64_t)tid : -err;
}

int64_t linux_sys_clone(uint64_t flags, void *stack, void *ptid, void *ctid, void *tls)
{
    if ((flags & CLONE_THREAD_NEEDED) == CLONE_THREAD_NEEDED)
        return clone_thread(flags, stack, ptid, ctid, tls);
    if ((flags & (LINUX_CLONE_VM | LINUX_CLONE_VFORK)) == (LINUX_CLONE_VM | LINUX_CLONE_VFORK))
        return linux_clone_vfork(flags, stack);
    if (flags & (LINUX_CLONE_THREAD | LINUX_CLONE_SIGHAND | LINUX_CLONE_VM))
        return -EINVAL; /* a thread needs all of VM, FS, FILES, SIGHAND and THREAD */
    return -ENOSYS;     /* fork: a copy of the address space is not offered */
}

/* ---- futex ---- */

/* The wait's relative timeout in ns from Linux's timespec: relative for FUTEX_WAIT, absolute
 * on CLOCK_MONOTONIC (or REALTIME with FUTEX_CLOCK_REALTIME) for FUTEX_WAIT_BITSET. */
static int futex_timeout(uint64_t op, const void *uts, uint64_t *ns)
{
    if (!uts) {
        *ns = CLOCK_NEVER;
        return 0;
    }
    uint64_t t;
    int err = linux_timespec_read(uts, &t);
    if (err || (op & LINUX_FUTEX_CMD_MASK) != LINUX_FUTEX_WAIT_BITSET || t == CLOCK_NEVER) {
        *ns = t;
        return err;
    }
    uint64_t now = op & LINUX_FUTEX_CLOCK_REALTIME ? clock_unix_ns() : clock_now_ns();
    *ns = t > now ? t - now : 0;
    return 0;
}

/* Every futex is keyed by the physical word (sched/futex.c), so FUTEX_PRIVATE_FLAG changes
 * nothing. Bitsets only have to be non-zero: a waiter woken for another bit sees a spurious
 * wake-up, which every futex user handles. Requeue wakes instead of moving waiters (they
 * recheck and wait on the second word themselves). */
int64_t linux_sys_futex(void *uaddr, uint64_t op, uint64_t val, void *timeout, void *uaddr2,
                        uint64_t val3)
{
    aspace_t *as = process_current()->aspace;
    uint64_t cmd = op & LINUX_FUTEX_CMD_MASK, ns, addr = (uint64_t)uaddr;
    int err;
    (void)uaddr2;
    if (op & ~(uint64_t)(LINUX_FUTEX_CMD_MASK | LINUX_FUTEX_PRIVATE_FLAG | LINUX_FUTEX_CLOCK_REALTIME))
        return -ENOSYS;
    switch (cmd) {
    case LINUX_FUTEX_WAIT_BITSET:
        if ((uint32_t)val3 == 0)
            return -EINVAL;
        /* fall through */
    case LINUX_FUTEX_WAIT:
        err = futex_timeout(op, timeout, &ns);
        if (!err)
            err = futex_wait(as, addr, (uint32_t)val, ns);
        return -err;
    case LINUX_FUTEX_WAKE_BITSET:
        if ((uint32_t)val3 == 0)
            return -EINVAL;
        /* fall through */
    case LINUX_FUTEX_WAKE:
        return futex_wake(as, addr, (uint32_t)val);
    case LINUX_FUTEX_CMP_REQUEUE:
    case LINUX_FUTEX_REQUEUE: {
        if (cmd == LINUX_FUTEX_CMP_REQUEUE) {
            uint32_t cur;
            if (copy_from_user(&cur, uaddr, sizeof cur))
                return -EFAULT;
            if (cur != (uint32_t)val3)
                return -EAGAIN;
        }
        uint64_t more = (uint64_t)timeout; /* val2: how many to requeue */
        if ((int32_t)val < 0 || (int32_t)more < 0)
            return -EINVAL;
        return futex_wake(as, addr, (uint64_t)(uint32_t)val + (uint32_t)more);
    }
    default:
        return -ENOSYS;
    }
}
