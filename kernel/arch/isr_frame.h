/*
 * isr_frame.h - interrupt_frame_t offsets for isr.S and syscall/entry.S. The assembler
 * cannot see the C struct, so idt.c checks every value here against offsetof() at compile
 * time.
 */
#ifndef KERNEL_ARCH_ISR_FRAME_H
#define KERNEL_ARCH_ISR_FRAME_H

#define FRAME_VECTOR     (15 * 8)
#define FRAME_ERROR_CODE (16 * 8)
#define FRAME_RIP        (17 * 8)
#define FRAME_CS         (18 * 8)
#define FRAME_RFLAGS     (19 * 8)
#define FRAME_RSP        (20 * 8)
#define FRAME_SIZE       (22 * 8)

#ifdef __ASSEMBLY__
/* The general registers in interrupt_frame_t order (r15 lowest). Shared by the interrupt
 * stubs and the SYSCALL path so both build the same frame. */
.macro FRAME_PUSH_GPRS
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm

.macro FRAME_POP_GPRS
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
.endm
#endif

#endif
