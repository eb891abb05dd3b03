/*
 * errno.c - per-thread errno and the thread control block behind it (see libc_tls.h).
 * errno lives in the calling thread's block, found through the FS base.
 */
#include <errno.h>
#include <stdbool.h>
#include "libc_tls.h"

#define CPUID7_EBX_FSGSBASE (1u << 0)

bool libc_tls_enabled;
static libc_tcb_t libc_main_tcb; /* the main thread's, and the fallback without FSGSBASE */

static bool cpu_has_fsgsbase(void)
{
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0), "c"(0));
    if (a < 7)
        return false;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(7), "c"(0));
    return b & CPUID7_EBX_FSGSBASE;
}

void libc_tls_set(libc_tcb_t *tcb)
{
    tcb->self = tcb;
    if (libc_tls_enabled)
        __asm__ volatile("wrfsbase %0" : : "r"(tcb) : "memory");
}

void libc_tls_init_main(void)
{
    libc_main_tcb.self = &libc_main_tcb;
    libc_tls_enabled = cpu_has_fsgsbase();
    libc_tls_set(&libc_main_tcb);
}

libc_tcb_t *libc_tls_get(void)
{
    if (!libc_tls_enabled)
        return &libc_main_tcb;
    libc_tcb_t *t;
    __asm__ volatile("movq %%fs:0, %0" : "=r"(t));
    return t;
}

int *__errno_location(void)
{
    return &libc_tls_get()->errno_value;
}
