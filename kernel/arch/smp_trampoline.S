/*
 * smp_trampoline.S - the first code an application processor runs after INIT-SIPI-SIPI.
 *
 * The blob between smp_trampoline_start and smp_trampoline_end is position independent: the
 * boot CPU copies it to a page below 1 MiB and fills its parameter block (smp_trampoline.h).
 * Steps: real mode (CS = page << 8) -> lgdt of the blob's flat GDT -> 32-bit protected mode
 * -> PAE, the temporary PML4 (identity map of the low 2 MiB plus the kernel half), EFER.LME
 * (and NXE: the kernel's entries carry NX) -> paging -> 64-bit code in the low page -> jump
 * to smp_ap_long_entry in the kernel half with the AP's own stack. No stack is touched
 * before that, and the page is never written by the AP.
 */
#include "kernel/arch/smp_trampoline.h"

#define CR0_PE   0x00000001
#define CR0_PG   0x80000000
#define CR0_CDNW 0x60000000   /* caches are off after INIT */
#define CR4_PAE  0x00000020
#define MSR_EFER 0xC0000080

    .section .rodata.smp_trampoline, "a"
    .balign 16
    .globl smp_trampoline_start, smp_trampoline_end, smp_trampoline_pm32
    .globl smp_trampoline_lm64, smp_trampoline_gdt, smp_trampoline_gdt_end

    .code16
smp_trampoline_start:
    cli
    cld
    movw %cs, %ax
    movw %ax, %ds
    xorl %ebx, %ebx
    movw %ax, %bx
    shll $4, %ebx                          /* ebx = linear address of this page */
    lgdtl (TRAMP_PARAMS + TRAMP_GDTR)
    movl %cr0, %eax
    andl $~CR0_CDNW, %eax
    orl $CR0_PE, %eax
    movl %eax, %cr0
    ljmpl *(TRAMP_PARAMS + TRAMP_FAR32)

    .code32
smp_trampoline_pm32:
    movw $TRAMP_SEL_DATA32, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw %ax, %fs
    movw %ax, %gs
    movl %cr4, %eax
    orl $CR4_PAE, %eax
    movl %eax, %cr4
    movl (TRAMP_PARAMS + TRAMP_TEMP_CR3)(%ebx), %eax
    movl %eax, %cr3
    movl $MSR_EFER, %ecx
    rdmsr
    orl (TRAMP_PARAMS + TRAMP_EFER)(%ebx), %eax
    wrmsr
    movl %cr0, %eax
    orl $CR0_PG, %eax
    movl %eax, %cr0
    ljmpl *(TRAMP_PARAMS + TRAMP_FAR64)(%ebx)

    .code64
smp_trampoline_lm64:
    /* Upper register halves are undefined after the mode switch: address via RIP. */
    leaq smp_trampoline_start(%rip), %rbx
    movq (TRAMP_PARAMS + TRAMP_STACK)(%rbx), %rsp
    movq (TRAMP_PARAMS + TRAMP_ARG)(%rbx), %rdi
    movq (TRAMP_PARAMS + TRAMP_ENTRY)(%rbx), %rax
    jmp *%rax

    .balign 16
smp_trampoline_gdt:
    .quad 0
    .quad 0x00CF9A000000FFFF               /* 0x08: 32-bit code, flat */
    .quad 0x00CF92000000FFFF               /* 0x10: data, flat */
    .quad 0x00AF9A000000FFFF               /* 0x18: 64-bit code */
smp_trampoline_gdt_end:
smp_trampoline_end:

/* Kernel half, still on the temporary page tables: C switches to the kernel's CR3 once its
 * own GDT is loaded (the trampoline GDT lives in the low page). */
    .text
    .globl smp_ap_long_entry
smp_ap_long_entry:
    xorl %ebp, %ebp                        /* ends backtraces here */
    andq $-16, %rsp
    call smp_ap_main
1:  cli
    hlt
    jmp 1b
