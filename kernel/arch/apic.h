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
/* True when vector is in service on this CPU's LAPIC (delivered, not yet acknowledged). */
bool apic_in_service(uint8_t vector);
bool apic_x2apic_mode(void);
/* Periodic LAPIC timer at hz on APIC_TIMER_VECTOR (calibrated with clock_delay_ns). */
void apic_timer_start(uint32_t hz);
uint64_t apic_timer_ticks(void);      /* ticks seen on this CPU */
/* Registers fn to run in interrupt context on every timer tick of CPU 0 (at most 4; false
 * when full). For drivers without interrupts that must notice work (xHCI without MSI). */
bool apic_timer_hook_add(void (*fn)(void));
/* True once a hook is registered: CPU 0 must then keep its tick while idle (tickless). */
bool apic_timer_has_hooks(void);
uint64_t apic_timer_ticks_cpu(unsigned cpu); /* ticks seen on CPU cpu */
/* An AP: the same periodic tick the boot CPU started (nothing if it did not). */
void apic_timer_start_ap(void);
/* Tickless idle (sched): one timer interrupt ns from now instead of the periodic tick (0: no
 * timer interrupt at all), until apic_timer_resume_periodic(). Interrupts off. False when
 * the timer is not running (nothing changed). */
bool apic_timer_oneshot_ns(uint64_t ns);
void apic_timer_resume_periodic(void);
/* Tests: this CPU's timer LVT entry and initial count, and the periodic tick's count (0:
 * the timer never started). Every mode change happens with the count stopped (0). */
#define APIC_LVT_TIMER_PERIODIC (1u << 17)
void apic_timer_state(uint32_t *lvt, uint32_t *count);
uint32_t apic_timer_period_count(void);
/* Routes ISA irq to vector on the boot CPU through the IOAPIC (honouring overrides). */
void ioapic_route_irq(uint8_t irq, uint8_t vector);
/* The same with default_flags (MPS INTI flags: 0x0F = level, active low, what the ACPI SCI
 * and PCI INTx are without an override) for an irq the MADT does not override. Returns the
 * GSI the irq was routed on, -1 (logged) when no IOAPIC serves it. */
int32_t ioapic_route_irq_flags(uint8_t irq, uint8_t vector, uint16_t default_flags);
/* One past the highest GSI any usable IOAPIC serves (0 when there is none). */
uint32_t ioapic_gsi_limit(void);
/* True when the IOAPIC entry irq arrives on (overrides applied) exists and is masked, i.e.
 * no one routed it yet. */
bool ioapic_irq_free(uint8_t irq);

/* Added by the platform code: */
/* Application processors: same APIC mode and local setup as the boot CPU (no IOAPIC work;
 * timer left masked). Called by each AP in kernel/arch/smp.c. */
void apic_init_ap(void);
/* Masks every redirection entry of every MADT IOAPIC (apic_init calls it). */
void ioapic_init(void);
/* Masks the IOAPIC entry an ISA irq is routed to. */
void ioapic_mask_irq(uint8_t irq);
/* Virtual address of an MMIO register page at phys, mapped uncached at APIC_MMIO_WINDOW +
 * phys (falls back to the write-back direct map without vmm_map_page); NULL when it can't
 * be reached. Don't let a register block cross a page boundary. */
volatile void *apic_mmio_map(uint64_t phys);
#define APIC_MMIO_WINDOW      0xFFFFD00000000000ULL /* between kernel stacks and vmm scratch */
#define APIC_MMIO_WINDOW_SIZE (1ULL << 44)
/* Inter-processor interrupts (ICR low word: delivery mode, level assert, vector). */
#define APIC_IPI_FIXED   0x4000u         /* fixed delivery, level assert; OR in the vector */
#define APIC_IPI_NMI     0x4400u         /* NMI, level assert */
#define APIC_IPI_INIT    0x4500u         /* INIT, level assert */
#define APIC_IPI_STARTUP 0x4600u         /* Start-up; OR in the vector (page number) */
/* Sends one IPI to dest (an APIC id); false when there is no APIC, dest can't be addressed
 * in this mode, or an xAPIC never finished delivery (bounded spin, safe on the panic path). */
bool apic_send_ipi(uint32_t dest, uint32_t icr_low);

#endif
