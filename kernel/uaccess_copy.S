/*
 * uaccess_copy.S - the only instructions that touch user memory. Each access that may
 * fault has an .extable entry, so a bad user page ends the copy with an error instead of
 * a kernel panic. The caller (uaccess.c) has already checked the range and opened SMAP.
 */
    .text

/* uint64_t uaccess_copy_raw(void *dst, const void *src, size_t n): 0, or 1 after a fault. */
    .globl uaccess_copy_raw
uaccess_copy_raw:
    movq %rdx, %rcx
1:  rep movsb
    xorl %eax, %eax
    ret
2:  movl $1, %eax
    ret

/* int64_t uaccess_strncpy_raw(char *dst, const char *src, size_t max): the string length
 * when a NUL was copied within max bytes, -2 when none was, -1 after a fault. */
    .globl uaccess_strncpy_raw
uaccess_strncpy_raw:
    xorl %eax, %eax
3:  cmpq %rdx, %rax
    jae 5f
4:  movb (%rsi,%rax), %cl
    movb %cl, (%rdi,%rax)
    testb %cl, %cl
    jz 6f
    incq %rax
    jmp 3b
5:  movq $-2, %rax
6:  ret
7:  movq $-1, %rax
    ret

    .section .extable, "a"
    .balign 8
    .quad 1b, 2b
    .quad 4b, 7b

    .section .note.GNU-stack, "", @progbits
