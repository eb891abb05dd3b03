/*
 * trace.h - system-call tracing over a serial port (strace-like lines, issue 8).
 *
 * Off, the syscall path pays one load and one predictable branch (trace_enabled). On, each
 * call of a traced process becomes one line built from the generated syscall_meta table
 * (kernel/trace/trace_decode.c), queued in a per-CPU ring and written to the trace port
 * (COM1 by default, COM2 with trace_port=com2) before the call returns to user space.
 *
 * Who is traced: the boot flag trace=NAME|PID|all (checked at every spawn) and the trace()
 * system call (sys_trace.c). A traced process's settings (trace_proc_t) hang off
 * process_t.trace and are freed when it exits.
 */
#ifndef KERNEL_TRACE_TRACE_H
#define KERNEL_TRACE_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/arch/arch.h"

struct process;
struct syscall_abi;
struct spawn_request_s;

/* True once anything was ever traced: the dispatcher's single branch. */
extern volatile bool trace_enabled;

/* The traced slow path of syscall_dispatch: runs the call through abi (the caller's ABI,
 * whose names and error convention the line uses) and records it. */
void trace_syscall(interrupt_frame_t *f, const struct syscall_abi *abi);

/* process.c hooks: a child was created (before it runs; argv for the +++ line), and the
 * calling process is ending with status (wait() status word). */
void trace_process_started(struct process *parent, struct process *child,
                           const char *const *argv, uint64_t argc);
void trace_process_exited(struct process *p, uint64_t status);

/* trace(): 0 or ESRCH, EINVAL, EFAULT, ENOMEM. */
int trace_control(uint64_t pid, uint64_t flags, const void *user_calls);

#endif
