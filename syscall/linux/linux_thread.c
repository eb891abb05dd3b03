/*
 * linux_thread.c - Linux thread and process ends: exit (one thread; the exit word set by
 * set_tid_address or CLONE_CHILD_CLEARTID is cleared and woken, as natively) and exit_group.
 */
#include "sched/thread.h"
#include "syscall/linux/linux.h"

int64_t linux_sys_exit(int64_t status)
{
    thread_exit_current((uint64_t)status & 0xff);
}

int64_t linux_sys_exit_group(int64_t status)
{
    return LN1(SYS_PROCESS_EXIT, status);
}
