/*
 * hooks.c - the registered tables of upward calls (hooks.h, arch_mem.h). Written once on
 * the boot CPU before interrupts, exceptions from ring 3 or APs exist (and, for the memory
 * table, before apic_init); read-only afterwards, so readers take no lock.
 */
#include <stddef.h>
#include "kernel/arch/arch_mem.h"
#include "kernel/arch/hooks.h"
#include "kernel/panic.h"

static const arch_hooks_t *registered;

void arch_hooks_register(const arch_hooks_t *hooks)
{
    ASSERT(registered == NULL);
    ASSERT(hooks && hooks->timer_tick && hooks->interrupt_exit && hooks->user_fault &&
           hooks->ap_init_cpu && hooks->ap_entry);
    registered = hooks;
}

const arch_hooks_t *arch_hooks(void)
{
    ASSERT(registered != NULL);
    return registered;
}

static const arch_mem_t *registered_mem;

void arch_mem_register(const arch_mem_t *mem)
{
    ASSERT(registered_mem == NULL);
    ASSERT(mem && mem->map_uncached && mem->page_alloc_below && mem->page_free &&
           mem->kstack_alloc && mem->kernel_pml4 && mem->nx_enabled);
    registered_mem = mem;
}

const arch_mem_t *arch_mem(void)
{
    ASSERT(registered_mem != NULL);
    return registered_mem;
}
