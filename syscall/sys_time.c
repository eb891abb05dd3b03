/*
 * sys_time.c - nanosleep (uptime and unix_epoch are in sys_info.c).
 */
#include "sched/sched.h"
#include "syscall/syscall.h"

SYSCALL_DEFINE(SYS_NANOSLEEP, uint64_t, uint64_t ns)
{
    int err = sched_sleep_ns(ns);
    return err ? syscall_fail(err) : 0;
}
