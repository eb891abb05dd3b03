/*
 * idt.h - the interrupt descriptor table (arch internal). One IDT is shared by every CPU; each
 * gate points at its stub in isr.S, which builds an interrupt_frame_t and calls
 * interrupt_dispatch().
 */
#ifndef KERNEL_ARCH_IDT_H
#define KERNEL_ARCH_IDT_H

#include "kernel/arch/arch.h"

/* Fills all 256 gates (#DF, NMI, #MC on their IST stacks); call once on the boot CPU. */
void idt_init(void);
/* lidt on the calling CPU. */
void idt_load(void);

/* C entry from isr.S for every vector. */
void interrupt_dispatch(interrupt_frame_t *frame);

#endif
