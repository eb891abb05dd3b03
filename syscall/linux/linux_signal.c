/*
 * linux_signal.c - Linux signals as far as they go before delivery exists: rt_sigaction and
 * rt_sigprocmask record what a program sets (so it reads it back), sigaltstack is accepted,
 * and kill, tkill and tgkill apply a signal's default action through the native kill
 * (process_kill): ignored signals change nothing, the others end the process with the
 * signal in its wait status.
 */
#include "kernel/lib/string.h"
#include "kernel/uaccess.h"
#include "mm/heap.h"
#include "sched/sched.h"
#include "proc/thread.h"
#include "syscall/linux/linux.h"

int64_t linux_sys_rt_sigaction(int64_t sig, void *uact, void *uold, uint64_t setsize)
{
    process_t *p = process_current();
    sig = (int32_t)sig;
    if (setsize != 8 || sig < 1 || sig > LINUX_NSIG)
        return -EINVAL;
    if (uact && (sig == LINUX_SIGKILL || sig == LINUX_SIGSTOP))
        return -EINVAL;
    linux_sigaction_t act, old;
    if (uact && copy_from_user(&act, uact, sizeof act))
        return -EFAULT;
    if (uact && !p->sigactions) {
        void *table = kzalloc(LINUX_NSIG * sizeof(linux_sigaction_t));
        if (!table)
            return -ENOMEM;
        if (__atomic_compare_exchange_n(&p->sigactions, &(void *){ NULL }, table, false,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) == false)
            kfree(table); /* another thread made it first */
    }
    linux_sigaction_t *t = __atomic_load_n(&p->sigactions, __ATOMIC_ACQUIRE);
    uint64_t f = sched_lock(); /* one record changes at a time */
    if (t)
        old = t[sig - 1];
    else
        memset(&old, 0, sizeof old);
    if (uact)
        t[sig - 1] = act;
    sched_unlock(f);
    if (uold && copy_to_user(uold, &old, sizeof old))
        return -EFAULT;
    return 0;
}

int64_t linux_sys_rt_sigprocmask(int64_t how, void *uset, void *uold, uint64_t setsize)
{
    thread_t *self = sched_current();
    uint64_t set, old = self->sigmask;
    if (setsize != 8)
        return -EINVAL;
    if (uset) {
        if (copy_from_user(&set, uset, sizeof set))
            return -EFAULT;
        how = (int32_t)how;
        if (how == LINUX_SIG_BLOCK)
            self->sigmask |= set;
        else if (how == LINUX_SIG_UNBLOCK)
            self->sigmask &= ~set;
        else if (how == LINUX_SIG_SETMASK)
            self->sigmask = set;
        else
            return -EINVAL;
        /* SIGKILL and SIGSTOP cannot be blocked. */
        self->sigmask &= ~((1ULL << (LINUX_SIGKILL - 1)) | (1ULL << (LINUX_SIGSTOP - 1)));
    }
    if (uold && copy_to_user(uold, &old, sizeof old))
        return -EFAULT;
    return 0;
}

/* No handler runs on it yet: the old stack reads as disabled, a new one is checked only. */
int64_t linux_sys_sigaltstack(void *uss, void *uold)
{
    struct { uint64_t sp; int32_t flags; int32_t pad; uint64_t size; } ss = { 0, 2, 0, 0 };
    if (uss && copy_from_user(&ss, uss, sizeof ss))
        return -EFAULT;
    struct { uint64_t sp; int32_t flags; int32_t pad; uint64_t size; } old = { 0, 2, 0, 0 };
    if (uold && copy_to_user(uold, &old, sizeof old))
        return -EFAULT;
    return 0;
}

/* No handler ever runs yet, so a signal does what its default action does: signals whose
 * default is to be ignored (SIGCHLD, SIGCONT, SIGURG, SIGWINCH) change nothing; every other
 * one ends the process, and its number shows in the wait status. Signal 0 only checks. */
static int64_t linux_signal_process(uint64_t pid, int64_t sig)
{
    if (sig < 0 || sig > LINUX_NSIG)
        return -EINVAL;
    process_info_t info;
    bool alive = process_info(pid, &info) && info.state == PROCESS_ALIVE;
    if (sig == 0 || sig == LINUX_SIGCHLD || sig == 18 || sig == 23 || sig == 28)
        return alive ? 0 : -ESRCH;
    return -process_kill(pid, (uint64_t)sig);
}

int64_t linux_sys_kill(int64_t pid, int64_t sig)
{
    pid = (int32_t)pid;
    if (pid <= 0)
        return -EPERM; /* process groups and "everyone": not offered */
    return linux_signal_process((uint64_t)pid, (int32_t)sig);
}

/* A signal to one thread: it can only be one of the caller's own (raise, abort), and it acts
 * on the whole process, as a signal without a handler does on Linux. */
int64_t linux_sys_tgkill(int64_t tgid, int64_t tid, int64_t sig)
{
    process_t *self = process_current();
    tgid = (int32_t)tgid;
    tid = (int32_t)tid;
    if (tgid <= 0 || tid <= 0)
        return -EINVAL;
    if ((uint64_t)tgid != self->pid)
        return -ESRCH;
    uint64_t f = sched_lock();
    bool mine = thread_find(self, (uint64_t)tid) != NULL;
    sched_unlock(f);
    return mine ? linux_signal_process(self->pid, (int32_t)sig) : -ESRCH;
}

int64_t linux_sys_tkill(int64_t tid, int64_t sig)
{
    return linux_sys_tgkill((int64_t)process_current()->pid, tid, sig);
}
