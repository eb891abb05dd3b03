/*
 * switch.S - kernel context switch: only the callee-saved registers and RSP are kept,
 * because a switch always happens inside a C call (sched.c); everything else is already
 * saved by the caller or lives in the interrupt/syscall frame at the top of the stack.
 *
 * A new thread's stack holds a switch frame whose return address is
 * sched_thread_trampoline, with r12 = where to go next and r13/r14 = its arguments.
 */
    .text

/* void sched_switch_stacks(uint64_t *save_rsp, uint64_t new_rsp) */
    .globl sched_switch_stacks
sched_switch_stacks:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret

/* First code of every new thread (RSP 16-aligned here): finish the switch, then go on at
 * r12 (a user thread's r12 is the iretq path, with RSP at its interrupt frame). */
    .globl sched_thread_trampoline
sched_thread_trampoline:
    call sched_thread_first_run     /* frees a dead predecessor, drops the scheduler lock */
    jmpq *%r12

/* User threads: a kill() may have come before the first run; then leave through iretq
 * (RSP is at the thread's interrupt frame, 16-byte aligned). */
    .globl sched_user_first_entry
sched_user_first_entry:
    call process_check_killed
    cli
    jmp syscall_return_iret

/* Kernel threads: fn (r14) gets arg (r13); fn never returns. */
    .globl sched_kthread_entry
sched_kthread_entry:
    xorl %ebp, %ebp                 /* ends backtraces here */
    sti                             /* switches happen with interrupts off */
    movq %r13, %rdi
    call *%r14
    ud2

    .section .note.GNU-stack, "", @progbits
