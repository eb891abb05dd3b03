/*
 * handoff.c - the last instructions of the loader: switch to the loader-built page tables
 * and stack and enter the kernel (contract in include/spindle/boot.h).
 *
 * This runs after ExitBootServices from identity-mapped memory; the new tables identity-map
 * all RAM, so the instruction after the CR3 write is still mapped. Nothing here may touch
 * the old stack after RSP is replaced, hence one asm block with register operands only.
 */
#include "efi/loader.h"

#define CR4_LA57 (1ULL << 12)

bool handoff_la57_enabled(void)
{
    uint64_t cr4;
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    return (cr4 & CR4_LA57) != 0;
}

void handoff_jump(uint64_t pml4_phys, uint64_t stack_top, uint64_t boot_info_va, uint64_t entry)
{
    __asm__ volatile("cli\n\t"
                     "mov %0, %%cr3\n\t"
                     "mov %1, %%rsp\n\t"
                     "xor %%ebp, %%ebp\n\t"
                     "jmp *%2"
                     :
                     : "r"(pml4_phys), "r"(stack_top), "r"(entry), "D"(boot_info_va)
                     : "memory");
    __builtin_unreachable();
}
