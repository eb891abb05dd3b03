/*
 * hooks.h - the calls kernel/arch makes into the layers above it (scheduler, processes,
 * system calls), as one table kernel_main registers before the IDT is loaded.
 *
 * Invariants: registered exactly once, every member set (arch_hooks_register ASSERTs both),
 * and before any interrupt, exception or AP can reach a hook; arch_hooks() ASSERTs that it
 * was. The table lets arch code call upward without including a higher layer's header.
 */
#ifndef KERNEL_ARCH_HOOKS_H
#define KERNEL_ARCH_HOOKS_H

#include "kernel/arch/arch.h"

typedef struct {
    /* Every LAPIC timer tick, after EOI (the scheduler's tick: timers, preemption). */
    void (*timer_tick)(void);
    /* The end of every interrupt_dispatch: may switch threads, stops a killed thread. */
    void (*interrupt_exit)(interrupt_frame_t *frame);
    /* A ring-3 exception nobody else handled: kills (or spares) the running process. */
    void (*user_fault)(interrupt_frame_t *frame);
    /* On each AP, on its own tables, before it is marked online (e.g. syscall MSRs). */
    void (*ap_init_cpu)(void);
    /* Each AP once online, interrupts off, on its bring-up stack; must not return. */
    void (*ap_entry)(unsigned cpu);
} arch_hooks_t;

void arch_hooks_register(const arch_hooks_t *hooks);
const arch_hooks_t *arch_hooks(void);

#endif
