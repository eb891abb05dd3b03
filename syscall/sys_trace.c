/*
 * sys_trace.c - trace(): turns system-call tracing on or off for the caller, one of its
 * descendants, or the children it spawns (the logic is in kernel/trace/trace.c).
 */
#include "kernel/trace/trace.h"
#include "kernel/uaccess.h"
#include "syscall/syscall.h"

SYSCALL_DEFINE(SYS_TRACE, uint64_t, uint64_t pid, uint64_t flags, uptr_t calls)
{
    int err = trace_control(pid, flags, uptr_unconverted(calls));
    return err ? syscall_fail(err) : 0;
}
