/*
 * entry.S - the SYSCALL entry and the two ways back to user space.
 *
 * Entry (interrupts are off: SFMASK clears IF): swapgs exposes the thread's syscall_ctx_t
 * (MSR_KERNEL_GS_BASE, loaded by the scheduler) just long enough to park the user RSP and
 * load the kernel stack, then swapgs restores the user's GS (the kernel never uses GS).
 * The stack then receives a full interrupt_frame_t (same layout as isr.S builds), so the
 * C side, the fault paths and a new thread's first return share one format.
 *
 * Exit: syscall_dispatch returns with interrupts off and says whether SYSRET may be used
 * (one C call for both: the thread it looked up serves the checks too); else the general
 * iretq path (also the first entry of every new user thread).
 */
#include "kernel/arch/isr_frame.h"
#include "syscall/syscall_ctx.h"

#define USER_CS 0x23
#define USER_SS 0x1B

    .text
    .globl syscall_entry
syscall_entry:
    swapgs
    movq %rsp, %gs:SYSCALL_CTX_USER_RSP
    movq %gs:SYSCALL_CTX_KERNEL_RSP, %rsp
    pushq $USER_SS
    pushq %gs:SYSCALL_CTX_USER_RSP
    swapgs
    pushq %r11                      /* user RFLAGS */
    pushq $USER_CS
    pushq %rcx                      /* user RIP */
    pushq $0                        /* error code */
    pushq $SYSCALL_FRAME_VECTOR
    FRAME_PUSH_GPRS
    movq %rsp, %rbx                 /* the frame; callee-saved across the calls */
    pushq $0                        /* fake call frame: backtraces stop at user space */
    pushq $0
    movq %rsp, %rbp
    sti
    movq %rbx, %rdi
    call syscall_dispatch

    /* Interrupts are off (syscall_dispatch's cli) before anything of the user context is
     * restored: from here on the CPU must not take an interrupt while RSP holds the user
     * stack pointer in ring 0 - it would push its frame onto user memory (no stack switch
     * for a ring-0 interrupt). */
    movq %rbx, %rsp
    testq %rax, %rax
    jz syscall_return_iret

    FRAME_POP_GPRS                  /* RCX and R11 are then replaced by RIP and RFLAGS */
    movq FRAME_RIP - FRAME_VECTOR(%rsp), %rcx
    movq FRAME_RFLAGS - FRAME_VECTOR(%rsp), %r11
    movq FRAME_RSP - FRAME_VECTOR(%rsp), %rsp   /* user stack: interrupts are off (above) */
    sysretq

/* RSP points at an interrupt_frame_t; interrupts are off. */
    .globl syscall_return_iret
syscall_return_iret:
    FRAME_POP_GPRS
    addq $16, %rsp                  /* vector and error code */
    iretq

    .section .note.GNU-stack, "", @progbits
