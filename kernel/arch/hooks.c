/*
 * hooks.c - the registered table of upward calls (hooks.h). Written once on the boot CPU
 * before interrupts, exceptions from ring 3 or APs exist; read-only afterwards, so readers
 * take no lock.
 */
#include <stddef.h>
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
