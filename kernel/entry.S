/*
 * entry.S - first kernel instructions. The loader jumps here with RDI = boot_info_t (direct
 * map address), RSP = boot stack top, interrupts off. We clear RBP so backtraces end here,
 * keep the stack 16-byte aligned for the C ABI, and never return.
 */
    .section .text.entry, "ax"
    .globl kernel_entry
kernel_entry:
    cli
    cld
    xor %ebp, %ebp
    and $-16, %rsp
    pushq %rdi                      /* boot_info, kept across the call (and alignment) */
    subq $8, %rsp
    call stack_guard_init           /* before any function that checks the canary */
    addq $8, %rsp
    popq %rdi
    call kernel_main
1:  cli
    hlt
    jmp 1b
    .section .note.GNU-stack, "", @progbits
