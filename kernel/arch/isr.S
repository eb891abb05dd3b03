/*
 * isr.S - entry stubs for all 256 vectors and the common save/restore path.
 *
 * Each stub makes the stack uniform: a dummy error code where the CPU pushes none, then the
 * vector. isr_common pushes every GPR so the stack holds an interrupt_frame_t (arch.h;
 * offsets in isr_frame.h), calls interrupt_dispatch(frame) and returns with iretq.
 *
 * No swapgs, on purpose: the kernel never uses GS base (user GS stays live in the kernel),
 * so entries from ring 3 need no GS switch. FPU/SSE state is not saved: kernel C code is
 * built with -mgeneral-regs-only and never touches it.
 *
 * Stack alignment: in long mode the CPU aligns RSP to 16 before pushing its frame; the
 * frame (22 quadwords) plus the two-quadword fake call frame below keeps RSP 16-aligned at
 * the call, as the SysV ABI requires.
 */
#include "kernel/arch/isr_frame.h"

/* Vectors for which the CPU pushes an error code: #DF #TS #NP #SS #GP #PF #AC #CP #VC #SX. */
#define HAS_ERROR_CODE(v) ((v) == 8 || (v) == 10 || (v) == 11 || (v) == 12 || (v) == 13 || \
                           (v) == 14 || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

    .text
    .altmacro

.macro isr_stub vec
isr_stub_\vec:
    .ifeq HAS_ERROR_CODE(\vec)
    pushq $0
    .endif
    pushq $\vec
    jmp isr_common
.endm

.macro isr_table_entry vec
    .quad isr_stub_\vec
.endm

    .balign 16
    .set .Lvector, 0
    .rept 256
    isr_stub %.Lvector
    .set .Lvector, .Lvector + 1
    .endr

isr_common:
    FRAME_PUSH_GPRS
    cld                             /* the C ABI wants DF clear; iretq restores RFLAGS */
    movq %rsp, %rdi

    /* A fake call frame (interrupted rip, rbp) so a backtrace taken inside a handler walks
     * on into the interrupted kernel code. Zeros from ring 3 end the walk there. */
    testb $3, FRAME_CS(%rsp)
    jnz 1f
    pushq FRAME_RIP(%rsp)
    pushq %rbp
    jmp 2f
1:  pushq $0
    pushq $0
2:  movq %rsp, %rbp

    call interrupt_dispatch

    addq $16, %rsp
    FRAME_POP_GPRS
    addq $16, %rsp                  /* vector and error code */
    iretq

    .section .rodata
    .balign 8
    .globl isr_stub_table
isr_stub_table:
    .set .Lvector, 0
    .rept 256
    isr_table_entry %.Lvector
    .set .Lvector, .Lvector + 1
    .endr

    .section .note.GNU-stack, "", @progbits
