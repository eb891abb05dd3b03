/*
 * segbase.c - the user FS base (the TLS pointer of the running thread). The kernel owns it:
 * the scheduler saves and restores it on every switch (sched/sched.c), and set_fs_base or
 * Linux's arch_prctl set it through here, so threads have TLS on every CPU, with or without
 * FSGSBASE. Callers check the address is a user one: WRMSR faults on a non-canonical value.
 */
#include "kernel/arch/arch.h"
#include "kernel/arch/cpu.h"

uint64_t arch_user_fs_base(void)
{
    return rdmsr(MSR_FS_BASE);
}

void arch_set_user_fs_base(uint64_t base)
{
    wrmsr(MSR_FS_BASE, base);
}

bool arch_user_fsgsbase(void)
{
    return cpu_features.fsgsbase;
}
