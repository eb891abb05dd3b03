/*
 * t_crash MODE - a helper child that dies on purpose with a CPU exception in user mode
 * (run by t_fault). The kernel must print one line naming it, end it with status
 * WAIT_STATUS_KILLED | (128 + vector) and go on. Exits 0 if the fault did not happen.
 */
#include <stdint.h>
#include <string.h>

/* Its frame alone is larger than the stack's limit (4 MiB): it lands below the stack. */
static __attribute__((noinline)) int overflow_stack(void)
{
    volatile char big[8 << 20];
    big[0] = 1;
    return big[0];
}

int main(int argc, char **argv)
{
    const char *m = argc > 1 ? argv[1] : "";
    volatile int zero = 0;
    /* Addresses through a volatile so the compiler cannot see (and refuse) the bad access. */
    volatile uintptr_t null_addr = 0, kernel_addr = 0xFFFFFFFF80000000ULL;
    if (strcmp(m, "null-read") == 0)
        return *(volatile int *)null_addr;
    if (strcmp(m, "null-write") == 0)
        *(volatile int *)(null_addr + 8) = 1;
    if (strcmp(m, "kernel-read") == 0)
        return *(volatile int *)kernel_addr;
    if (strcmp(m, "ud2") == 0)
        __asm__ volatile("ud2");
    if (strcmp(m, "divide") == 0) { /* in asm: gcc rewrites 1 / x without a division */
        uint32_t q = 1, d = (uint32_t)zero;
        __asm__ volatile("xor %%edx, %%edx; divl %1" : "+a"(q) : "r"(d) : "rdx");
        return (int)q;
    }
    if (strcmp(m, "privileged") == 0)
        __asm__ volatile("cli");
    if (strcmp(m, "exec-stack") == 0) {
        unsigned char code[4] = { 0xc3 };
        ((void (*)(void))code)();
    }
    if (strcmp(m, "trap-flag") == 0) /* TF set across a syscall: the return takes iretq, */
        __asm__ volatile("pushfq; orq $0x100, (%%rsp); popfq\n" /* then #DB kills us */
                         "mov $5, %%eax; syscall; nop; nop" ::: "rax", "rcx", "r11", "memory");
    if (strcmp(m, "stack-overflow") == 0)
        return overflow_stack();
    return 0;
}
