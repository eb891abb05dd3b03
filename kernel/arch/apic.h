/*
 * apic.h - interrupt controllers: legacy PIC masked, local APIC (x2APIC when the CPU has it,
 * xAPIC MMIO otherwise), IOAPIC routing of ISA IRQs with MADT overrides, and the LAPIC timer.
 */
#ifndef KERNEL_ARCH_APIC_H
#define KERNEL_ARCH_APIC_H

#include <stdint.h>
#include <stdbool.h>

#define APIC_TIMER_VECTOR    0x20
#define APIC_SPURIOUS_VECTOR 0xFF

void pic_disable(void);
void apic_init(void);                 /* boot CPU: needs acpi_init */
uint32_t apic_id(void);
void apic_eoi(void);
bool apic_x2apic_mode(void);
/* Periodic LAPIC timer at hz on APIC_TIMER_VECTOR (calibrated with clock_delay_ns). */
void apic_timer_start(uint32_t hz);
uint64_t apic_timer_ticks(void);      /* ticks seen on this CPU */
/* Routes ISA irq to vector on the boot CPU through the IOAPIC (honouring overrides). */
void ioapic_route_irq(uint8_t irq, uint8_t vector);

#endif
