/*
 * t_syscall - the system-call entry seen from user space: numbers outside the table and
 * calls not written yet answer ERR + ENOSYS, registers other than RAX/RCX/R11 survive a
 * call, a hostile user RSP does not matter to the kernel, and x87/SSE state stays with
 * its thread across a switch.
 */
#include "t_check.h"

#define P "t_syscall"

static int enosys(uint64_t n)
{
    return T_FAILS_WITH(t_syscall(n, 1, 2, 3, 4, 5, 6), ENOSYS);
}

/* Every register the ABI preserves still holds its value after a syscall. */
static int registers_survive(void)
{
    uint64_t bad;
    __asm__ volatile(
        "push %%rbx; push %%rbp; push %%r12; push %%r13; push %%r14; push %%r15\n"
        "mov $0x1111, %%rbx; mov $0x2222, %%rbp; mov $0x3333, %%r12; mov $0x4444, %%r13\n"
        "mov $0x5555, %%r14; mov $0x6666, %%r15; mov $0x7777, %%rdi; mov $0x8888, %%rsi\n"
        "mov $0x9999, %%rdx; mov $0xaaaa, %%r10; mov $0xbbbb, %%r8; mov $0xcccc, %%r9\n"
        "mov %[nr], %%eax\n"
        "syscall\n"
        "xor %%ecx, %%ecx\n"
        "cmp $0x1111, %%rbx; jne 1f\n"
        "cmp $0x2222, %%rbp; jne 1f\n"
        "cmp $0x3333, %%r12; jne 1f\n"
        "cmp $0x4444, %%r13; jne 1f\n"
        "cmp $0x5555, %%r14; jne 1f\n"
        "cmp $0x6666, %%r15; jne 1f\n"
        "cmp $0x7777, %%rdi; jne 1f\n"
        "cmp $0x8888, %%rsi; jne 1f\n"
        "cmp $0x9999, %%rdx; jne 1f\n"
        "cmp $0xaaaa, %%r10; jne 1f\n"
        "cmp $0xbbbb, %%r8; jne 1f\n"
        "cmp $0xcccc, %%r9; jne 1f\n"
        "jmp 2f\n"
        "1: mov $1, %%ecx\n"
        "2: pop %%r15; pop %%r14; pop %%r13; pop %%r12; pop %%rbp; pop %%rbx\n"
        : "=c"(bad)
        : [nr] "i"(SYS_GETPID)
        : "rax", "rdi", "rsi", "rdx", "r8", "r9", "r10", "r11", "memory", "cc");
    return bad == 0;
}

/* A syscall made with RSP pointing into the kernel (or non-canonical) must not matter to
 * the kernel, which never uses the user stack. */
static int hostile_rsp_survives(uint64_t bad_rsp)
{
    uint64_t r;
    __asm__ volatile("mov %%rsp, %%r12\n"
                     "mov %[bad], %%rsp\n"
                     "syscall\n"
                     "mov %%r12, %%rsp\n"
                     : "=a"(r)
                     : "a"((uint64_t)SYS_GETPID), [bad] "r"(bad_rsp)
                     : "rcx", "r11", "r12", "memory");
    return r == sys_getpid();
}

/* x87/SSE state belongs to the thread: a child that clobbers XMM registers and MXCSR while
 * this process is switched out (inside yield) must not change ours. */
static int fpu_state_survives_switch(void)
{
    const char *argv[] = { "/bin/t_child", "fpu-clobber", NULL };
    uint64_t pid = sys_spawn(argv, NULL, NULL, 0);
    if (pid == ERR)
        return 0;
    uint64_t pattern = 0x0123456789abcdefULL, out = 0;
    uint32_t mxcsr_in = 0x3F80 /* round toward zero */, mxcsr_out = 0;
    __asm__ volatile("ldmxcsr %[mi]\n"
                     "movq %[p], %%xmm7\n"
                     "mov %[nr], %%eax; syscall\n"
                     "mov %[nr], %%eax; syscall\n"
                     "mov %[nr], %%eax; syscall\n"
                     "movq %%xmm7, %[o]\n"
                     "stmxcsr %[mo]\n"
                     : [o] "=r"(out), [mo] "=m"(mxcsr_out)
                     : [p] "r"(pattern), [mi] "m"(mxcsr_in), [nr] "i"(SYS_YIELD)
                     : "rax", "rcx", "r11", "xmm7", "memory");
    uint32_t reset = 0x1F80;
    __asm__ volatile("ldmxcsr %0" : : "m"(reset));
    int32_t status = -1;
    return sys_wait(pid, &status, 0) == pid && status == 0 && out == pattern &&
           mxcsr_out == mxcsr_in;
}

int main(void)
{
    T_CHECK(P, "number-minus-1-enosys", enosys((uint64_t)-1));
    T_CHECK(P, "number-sys-count-enosys", enosys(SYS_COUNT));
    T_CHECK(P, "number-2-pow-63-enosys", enosys(1ULL << 63));
    T_CHECK(P, "number-2-pow-32-enosys", enosys(1ULL << 32));
    T_CHECK(P, "errno-kept-after-success", sys_getpid() != ERR && sys_errno() == ENOSYS);
    T_CHECK(P, "registers-survive", registers_survive());
    T_CHECK(P, "kernel-rsp-at-syscall-harmless", hostile_rsp_survives(0xFFFFFFFF80001000ULL));
    T_CHECK(P, "non-canonical-rsp-at-syscall-harmless", hostile_rsp_survives(0x0000900000000000ULL));
    T_CHECK(P, "fpu-state-survives-switch", fpu_state_survives_switch());
    return t_failures ? 1 : 0;
}
