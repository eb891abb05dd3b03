/*
 * process_hooks.c - what the system-call layer does as processes start and end, handed to
 * the process layer as its process_hooks_t (proc/process.h) so that proc/ never includes
 * syscall/ or kernel/trace: the tracer's lines, and the end of a process's share() offers.
 */
#include "kernel/trace/trace.h"
#include "proc/process.h"
#include "syscall/sys_file.h"
#include "syscall/syscall.h"

static void process_hook_exited(process_t *p, uint64_t status)
{
    trace_process_exited(p, status);
    share_drop_owner(p->pid);
}

static const process_hooks_t syscall_process_hooks = {
    .started = trace_process_started,
    .exited = process_hook_exited,
};

void syscall_process_hooks_register(void)
{
    process_hooks_register(&syscall_process_hooks);
}
