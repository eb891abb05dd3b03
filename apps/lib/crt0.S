/*
 * crt0.S - the entry point of every Spindle program.
 *
 * The kernel starts a program at _start with the System V initial stack: RSP points at argc,
 * then argv[0..argc-1], NULL, envp..., NULL, auxv pairs ending with AT_NULL. RSP is 16-byte
 * aligned there. Nothing else is set up.
 *
 * A PIE program is loaded at any base and the kernel applies no relocations, so before any
 * C code touches a global (through the GOT or a pointer in .data), crt_self_relocate applies
 * the R_X86_64_RELATIVE entries found through _DYNAMIC. PIE programs are linked at base 0,
 * so the runtime address of __ehdr_start (the ELF header, mapped by the first segment) is the
 * load bias. In a fixed-address program _DYNAMIC is undefined (weak: 0) and the step is
 * skipped.
 *
 * The note below is the native brand: the kernel runs a program whose PT_NOTE carries it with
 * the Spindle system-call ABI, and every other ELF as a Linux program (proc/exec.h).
 */
    .section .text._start, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    xor %ebp, %ebp              /* outermost frame: backtraces stop here */
    mov %rsp, %r12              /* initial stack (callee-saved across the calls below) */
    and $-16, %rsp
    lea _DYNAMIC(%rip), %rdi
    test %rdi, %rdi
    jz 1f
    lea __ehdr_start(%rip), %rsi
    call crt_self_relocate
1:
    mov %r12, %rdi
    call crt_start              /* calls main, then exit(); never returns */
    ud2
    .size _start, . - _start

    .weak _DYNAMIC
    .hidden _DYNAMIC

    .section .note.spindle, "a", @note
    .p2align 2
    .long 8                     /* namesz: "Spindle" and its NUL */
    .long 0                     /* descsz */
    .long 1                     /* type: EXEC_NOTE_TYPE */
    .asciz "Spindle"

    .section .note.GNU-stack, "", @progbits
