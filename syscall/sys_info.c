/*
 * sys_info.c - calls that only report: errno, ids and time.
 */
#include "kernel/time/clock.h"
#include "proc/process.h"
#include "sched/sched.h"
#include "syscall/syscall.h"

SYSCALL_DEFINE(SYS_ERRNO, uint64_t)
{
    return sched_current()->error;
}

SYSCALL_DEFINE(SYS_GETPID, uint64_t)
{
    return process_current()->pid;
}

SYSCALL_DEFINE(SYS_GETTID, uint64_t)
{
    return sched_current()->tid;
}

SYSCALL_DEFINE(SYS_UPTIME, uint64_t)
{
    return clock_now_ns();
}

SYSCALL_DEFINE(SYS_UNIX_EPOCH, uint64_t)
{
    return clock_unix_epoch();
}

SYSCALL_DEFINE(SYS_YIELD, uint64_t)
{
    sched_yield();
    return 0;
}
