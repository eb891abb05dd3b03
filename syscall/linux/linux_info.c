/*
 * linux_info.c - Linux calls that report or record: ids, uname, limits, getrandom, prctl,
 * arch_prctl, set_tid_address, set_robust_list, umask, getrusage, sched_get/setaffinity,
 * getcpu, sessions and groups, sysinfo, times. There is one user, root: every id is 0.
 */
#include "kernel/arch/arch.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/smp.h"
#include "kernel/fs/devfs.h"
#include "kernel/lib/string.h"
#include "kernel/time/clock.h"
#include "kernel/uaccess.h"
#include "mm/heap.h"
#include "mm/hhdm.h"
#include "mm/pmm.h"
#include "sched/sched.h"
#include "proc/thread.h"
#include "syscall/linux/linux.h"

#define LINUX_STACK_SOFT (8ULL << 20) /* what Linux reports for RLIMIT_STACK by default */

int64_t linux_sys_getpid(void)
{
    return (int64_t)process_current()->pid;
}

int64_t linux_sys_gettid(void)
{
    return (int64_t)sched_current()->tid;
}

int64_t linux_sys_getppid(void)
{
    uint64_t f = sched_lock();
    process_t *parent = process_current()->parent;
    uint64_t pid = parent ? parent->pid : 0;
    sched_unlock(f);
    return (int64_t)pid;
}

int64_t linux_sys_getuid(void) { return 0; }
int64_t linux_sys_getgid(void) { return 0; }
int64_t linux_sys_geteuid(void) { return 0; }
int64_t linux_sys_getegid(void) { return 0; }

int64_t linux_sys_uname(void *ubuf)
{
    static linux_utsname_t u = {
        .sysname = "Linux", .nodename = "spindle", .release = "6.1.0",
        .version = "#1 Spindle", .machine = "x86_64", .domainname = "(none)",
    };
    return copy_to_user(ubuf, &u, sizeof u) ? -EFAULT : 0;
}

static int rlimit_of(uint64_t resource, linux_rlimit_t *r)
{
    if (resource >= LINUX_RLIMIT_NLIMITS)
        return EINVAL;
    r->cur = r->max = LINUX_RLIM_INFINITY;
    if (resource == LINUX_RLIMIT_STACK)
        r->cur = LINUX_STACK_SOFT;
    if (resource == LINUX_RLIMIT_NOFILE)
        r->cur = r->max = FDTABLE_MAX;
    return 0;
}

/* Limits are reported, never enforced beyond the kernel's own: a new limit is accepted for
 * the caller and forgotten (glibc and musl only ever read them back to size things). */
int64_t linux_sys_prlimit64(int64_t pid, int64_t resource, void *unew, void *uold)
{
    linux_rlimit_t r;
    pid = (int32_t)pid;
    if (pid && (uint64_t)pid != process_current()->pid)
        return -ESRCH;
    int err = rlimit_of((uint32_t)resource, &r);
    if (err)
        return -err;
    if (unew) {
        linux_rlimit_t n;
        if (copy_from_user(&n, unew, sizeof n))
            return -EFAULT;
        if (n.cur > n.max)
            return -EINVAL;
    }
    if (uold && copy_to_user(uold, &r, sizeof r))
        return -EFAULT;
    return 0;
}

int64_t linux_sys_getrlimit(int64_t resource, void *urlim)
{
    return linux_sys_prlimit64(0, resource, NULL, urlim);
}

int64_t linux_sys_getrandom(void *ubuf, uint64_t count, uint64_t flags)
{
    if (flags & ~7ULL) /* GRND_NONBLOCK, GRND_RANDOM, GRND_INSECURE */
        return -EINVAL;
    if (count > 1 << 20)
        count = 1 << 20;
    if (!uaccess_range_ok((uint64_t)ubuf, count))
        return -EFAULT;
    for (uint64_t done = 0; done < count;) {
        uint64_t v = dev_random_u64();
        size_t n = count - done < sizeof v ? (size_t)(count - done) : sizeof v;
        if (copy_to_user((uint8_t *)ubuf + done, &v, n))
            return done ? (int64_t)done : -EFAULT;
        done += n;
    }
    return (int64_t)count;
}

/* PR_SET_NAME renames the process (ps, /proc and the tracer show it); Linux names the
 * thread, but Spindle's names are per process. */
int64_t linux_sys_prctl(int64_t option, uint64_t arg2, uint64_t arg3, uint64_t arg4,
                        uint64_t arg5)
{
    (void)arg3, (void)arg4, (void)arg5;
    process_t *p = process_current();
    char name[16];
    option = (int32_t)option;
    if (option == LINUX_PR_SET_NAME) {
        size_t len;
        int err = copy_string_from_user(name, (const void *)arg2, sizeof name, &len);
        if (err == ENAMETOOLONG) { /* Linux truncates to 15 characters */
            name[sizeof name - 1] = 0;
            err = 0;
        }
        if (err)
            return -err;
        uint64_t f = sched_lock();
        strlcpy(p->name, name, sizeof name);
        sched_unlock(f);
        return 0;
    }
    if (option == LINUX_PR_GET_NAME) {
        memset(name, 0, sizeof name);
        uint64_t f = sched_lock();
        strlcpy(name, p->name, sizeof name);
        sched_unlock(f);
        return copy_to_user((void *)arg2, name, sizeof name) ? -EFAULT : 0;
    }
    return -EINVAL;
}

/* FS base through the native set_fs_base (the kernel keeps it per thread); GS likewise. */
int64_t linux_sys_arch_prctl(int64_t code, void *addr)
{
    uint64_t a = (uint64_t)addr, v;
    switch ((int32_t)code) {
    case LINUX_ARCH_SET_FS:
        return LN1(SYS_SET_FS_BASE, a) ? -EPERM : 0;
    case LINUX_ARCH_SET_GS:
        if (!uaccess_range_ok(a, 0))
            return -EPERM;
        wrmsr(MSR_GS_BASE, a); /* user GS stays live in the kernel; switches save it */
        return 0;
    case LINUX_ARCH_GET_FS:
        v = arch_user_fs_base();
        return copy_to_user(addr, &v, sizeof v) ? -EFAULT : 0;
    case LINUX_ARCH_GET_GS:
        v = rdmsr(MSR_GS_BASE);
        return copy_to_user(addr, &v, sizeof v) ? -EFAULT : 0;
    default:
        return -EINVAL;
    }
}

/* The thread's exit word, as the native thread_exit_word; Linux returns the tid. */
int64_t linux_sys_set_tid_address(void *tidptr)
{
    int64_t r = LN1(SYS_THREAD_EXIT_WORD, tidptr);
    return r < 0 ? r : (int64_t)sched_current()->tid;
}

int64_t linux_sys_set_robust_list(void *head, uint64_t len)
{
    if (len != 24) /* sizeof(struct robust_list_head) */
        return -EINVAL;
    sched_current()->robust_list = (uint64_t)head;
    return 0;
}

int64_t linux_sys_umask(uint64_t mask)
{
    process_t *p = process_current();
    return __atomic_exchange_n(&p->umask, (uint32_t)(mask & 0777), __ATOMIC_RELAXED);
}

int64_t linux_sys_getrusage(int64_t who, void *uusage)
{
    /* struct rusage: utime, stime (timevals), then 14 longs. */
    uint64_t ru[18] = { 0 };
    uint64_t ns;
    uint64_t f = sched_lock();
    who = (int32_t)who;
    if (who == 0) /* RUSAGE_SELF */
        ns = process_cpu_ns(process_current());
    else if (who == 1) /* RUSAGE_THREAD */
        ns = sched_thread_cpu_ns(sched_current());
    else if (who == -1) /* RUSAGE_CHILDREN: not kept */
        ns = 0;
    else
        ns = ERR;
    sched_unlock(f);
    if (ns == ERR)
        return -EINVAL;
    ru[0] = ns / 1000000000;
    ru[1] = ns % 1000000000 / 1000;
    return copy_to_user(uusage, ru, sizeof ru) ? -EFAULT : 0;
}

/* Every online CPU, as a byte mask of at least 8 bytes (glibc asks with 128). */
int64_t linux_sys_sched_getaffinity(int64_t pid, uint64_t size, void *umask)
{
    uint8_t mask[64] = { 0 };
    unsigned n = smp_cpu_count();
    pid = (int32_t)pid;
    if (pid && (uint64_t)pid != process_current()->pid && (uint64_t)pid != sched_current()->tid)
        return -ESRCH;
    if (size < 8 || (size & 7))
        return -EINVAL;
    if (size > sizeof mask)
        size = sizeof mask;
    for (unsigned i = 0; i < n && i < 8 * sizeof mask; i++)
        mask[i / 8] |= (uint8_t)(1u << (i % 8));
    return copy_to_user(umask, mask, size) ? -EFAULT : (int64_t)size;
}

int64_t linux_sys_sched_yield(void)
{
    return LN0(SYS_YIELD);
}

/* ---- sessions and groups: one session, every process its own group leader ---- */

int64_t linux_sys_getpgrp(void)
{
    return (int64_t)process_current()->pid;
}

int64_t linux_sys_getpgid(int64_t pid)
{
    pid = (int32_t)pid;
    return pid == 0 || (uint64_t)pid == process_current()->pid ? (int64_t)process_current()->pid
                                                                : -ESRCH;
}

int64_t linux_sys_getsid(int64_t pid)
{
    return linux_sys_getpgid(pid);
}

int64_t linux_sys_setpgid(int64_t pid, int64_t pgid)
{
    (void)pgid;
    return linux_sys_getpgid(pid) < 0 ? -ESRCH : 0;
}

int64_t linux_sys_setsid(void)
{
    return (int64_t)process_current()->pid;
}

int64_t linux_sys_getgroups(int64_t size, void *list)
{
    (void)list;
    return (int32_t)size < 0 ? -EINVAL : 0;
}

static int64_t three_zeros(void *a, void *b, void *c)
{
    uint32_t z = 0;
    if (copy_to_user(a, &z, sizeof z) || copy_to_user(b, &z, sizeof z) ||
        copy_to_user(c, &z, sizeof z))
        return -EFAULT;
    return 0;
}

int64_t linux_sys_getresuid(void *ruid, void *euid, void *suid)
{
    return three_zeros(ruid, euid, suid);
}

int64_t linux_sys_getresgid(void *rgid, void *egid, void *sgid)
{
    return three_zeros(rgid, egid, sgid);
}

/* struct sysinfo from the native meminfo figures. */
int64_t linux_sys_sysinfo(void *uinfo)
{
    struct {
        int64_t uptime;
        uint64_t loads[3];
        uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
        uint16_t procs, pad;
        uint32_t pad2;
        uint64_t totalhigh, freehigh;
        uint32_t mem_unit;
        char reserved[4];
    } si;
    _Static_assert(sizeof si == 112, "Linux x86-64 struct sysinfo");
    memset(&si, 0, sizeof si);
    si.uptime = (int64_t)(clock_now_ns() / 1000000000);
    si.totalram = pmm_total_pages();
    si.freeram = pmm_free_pages();
    si.procs = (uint16_t)process_count();
    si.mem_unit = PAGE_SIZE;
    return copy_to_user(uinfo, &si, sizeof si) ? -EFAULT : 0;
}

/* struct tms in clock ticks (AT_CLKTCK, 100 a second); the result is the ticks since boot. */
int64_t linux_sys_times(void *ubuf)
{
    uint64_t f = sched_lock();
    uint64_t cpu = process_cpu_ns(process_current());
    sched_unlock(f);
    int64_t tms[4] = { (int64_t)(cpu / 10000000), 0, 0, 0 };
    if (ubuf && copy_to_user(ubuf, tms, sizeof tms))
        return -EFAULT;
    return (int64_t)(clock_now_ns() / 10000000);
}

/* The native setaffinity can pin a thread to one CPU or let it run anywhere: a mask of one
 * online CPU pins, a mask with several lets it run anywhere (a subset is honoured as "any"). */
int64_t linux_sys_sched_setaffinity(int64_t pid, uint64_t size, void *umask)
{
    uint8_t mask[64] = { 0 };
    unsigned n = smp_cpu_count(), first = 0, count = 0;
    pid = (int32_t)pid;
    if (size == 0)
        return -EINVAL;
    if (copy_from_user(mask, umask, size < sizeof mask ? (size_t)size : sizeof mask))
        return -EFAULT;
    for (unsigned i = 0; i < n && i < 8 * sizeof mask; i++)
        if (mask[i / 8] >> (i % 8) & 1)
            first = count++ ? first : i;
    if (!count)
        return -EINVAL; /* no online CPU in the mask */
    uint64_t tid = pid == 0 || (uint64_t)pid == process_current()->pid ? 0 : (uint64_t)pid;
    return LN2(SYS_SETAFFINITY, tid, count == 1 ? (uint64_t)first : (uint64_t)-1);
}

int64_t linux_sys_getcpu(void *ucpu, void *unode, void *cache)
{
    (void)cache;
    uint32_t cpu = sched_cpu_this()->index, node = 0;
    if (ucpu && copy_to_user(ucpu, &cpu, sizeof cpu))
        return -EFAULT;
    if (unode && copy_to_user(unode, &node, sizeof node))
        return -EFAULT;
    return 0;
}
