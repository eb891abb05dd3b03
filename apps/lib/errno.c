/*
 * errno.c - per-thread errno and the thread control block behind it (see libc_tls.h).
 * errno lives in the calling thread's block, found through the FS base. The kernel owns the
 * FS base and keeps it per thread on every CPU; a thread sets its own with set_fs_base, or
 * with WRFSBASE when the kernel says through AT_HWCAP2 that user code may (CPUID alone says
 * what the CPU can do, not what the running kernel allows).
 */
#include <errno.h>
#include <stdbool.h>
#include <spindle/abi.h>
#include <spindle/syscall_stubs.h>
#include "libc_tls.h"

static bool libc_tls_wrfsbase; /* AT_HWCAP2 has HWCAP2_FSGSBASE */
static libc_tcb_t libc_main_tcb;

void libc_tls_set(libc_tcb_t *tcb)
{
    tcb->self = tcb;
    if (libc_tls_wrfsbase)
        __asm__ volatile("wrfsbase %0" : : "r"(tcb) : "memory");
    else
        sys_set_fs_base(tcb);
}

void libc_tls_init_main(uint64_t hwcap2)
{
    libc_tls_wrfsbase = hwcap2 & HWCAP2_FSGSBASE;
    libc_tls_set(&libc_main_tcb);
}

libc_tcb_t *libc_tls_get(void)
{
    libc_tcb_t *t;
    __asm__ volatile("movq %%fs:0, %0" : "=r"(t));
    return t;
}

int *__errno_location(void)
{
    return &libc_tls_get()->errno_value;
}
