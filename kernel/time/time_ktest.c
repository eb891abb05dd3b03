/*
 * time_ktest.c - self-tests of the clock, the LAPIC timer and the RTC on the running machine.
 * Delays are also measured with the HPET or PM timer when there is one, so a wrongly
 * calibrated TSC can't pass by measuring itself.
 */
#include "kernel/arch/apic.h"
#include "kernel/arch/arch.h"
#include "kernel/arch/cpu.h"
#include "kernel/ktest.h"
#include "kernel/time/clock.h"
#include "kernel/time/time_internal.h"
#include "mm/vmm.h"

#define MS 1000000ULL
#define UNIX_2024_01_01 1704067200ULL

KTEST(clock_never_goes_backwards)
{
    uint64_t prev = clock_now_ns();
    for (int i = 0; i < 10000; i++) {
        uint64_t now = clock_now_ns();
        KTEST_EXPECT(now >= prev);
        prev = now;
    }
    KTEST_EXPECT(clock_tsc_hz() != 0);
}

/* The upper bounds of these leave room for a busy host stalling the whole machine. */
KTEST(clock_delay_10ms_measures_9_to_1000ms)
{
    uint64_t t0 = clock_now_ns();
    clock_delay_ns(10 * MS);
    uint64_t dt = clock_now_ns() - t0;
    KTEST_EXPECT(dt >= 9 * MS);
    KTEST_EXPECT(dt <= 1000 * MS);
}

/* ns elapsed on the independent reference since *start (first call: sets *start). */
static bool ktest_reference_ns(uint64_t *start, uint64_t *ns)
{
    if (hpet_present()) {
        uint64_t now = hpet_read();
        *ns = ((now - *start) & hpet_mask()) * 1000 / (hpet_hz() / 1000000);
        *start = now;
        return true;
    }
    if (pmtimer_present()) {
        uint64_t now = pmtimer_read();
        *ns = ((now - *start) & pmtimer_mask()) * NSEC_PER_SEC / PMTIMER_HZ;
        *start = now;
        return true;
    }
    return false;
}

KTEST(clock_delay_agrees_with_hpet_or_pm_timer)
{
    uint64_t ref = 0, ns;
    if (!ktest_reference_ns(&ref, &ns))
        return; /* nothing independent to compare with (PIT-calibrated machine) */
    clock_delay_ns(20 * MS);
    ktest_reference_ns(&ref, &ns);
    KTEST_EXPECT(ns >= 18 * MS);
    KTEST_EXPECT(ns <= 1000 * MS);
}

KTEST(clock_tsc_to_ns_matches_frequency)
{
    uint64_t hz = clock_tsc_hz();
    uint64_t one_s = clock_tsc_to_ns(hz);
    KTEST_EXPECT(one_s > 999999000ULL && one_s < 1000001000ULL);
}

KTEST(apic_timer_ticks_while_interrupts_are_on)
{
    bool was_on = cpu_irqs_enabled();
    uint64_t before = apic_timer_ticks();
    cpu_sti();
    clock_delay_ns(50 * MS);
    uint64_t after = apic_timer_ticks();
    if (!was_on)
        cpu_cli();
    KTEST_EXPECT(after >= before + 2); /* 100 Hz: about 5 expected */
    KTEST_EXPECT(after <= before + 50);
}

KTEST(rtc_epoch_is_after_2024)
{
    KTEST_EXPECT(clock_unix_epoch() > UNIX_2024_01_01);
}

/* ---------------------------------------------------------------- IOAPIC routing */

#define KTEST_IRQ_VECTOR 0xE0
#define PIT_CH0_DATA     0x40
#define PIT_CMD          0x43
#define PIT_CH0_RATE_GEN 0x34 /* channel 0, lobyte/hibyte, mode 2 */
#define PIT_CH0_ONESHOT  0x30 /* channel 0, lobyte/hibyte, mode 0 */
#define PIT_1KHZ_COUNT   1193

static volatile uint64_t ktest_irq_hits;

static void ktest_irq_handler(interrupt_frame_t *f)
{
    (void)f;
    ktest_irq_hits++;
    apic_eoi();
}

static void ktest_pit_ch0(uint8_t mode, uint16_t count)
{
    outb(PIT_CMD, mode);
    outb(PIT_CH0_DATA, (uint8_t)count);
    outb(PIT_CH0_DATA, (uint8_t)(count >> 8));
}

/* ISA IRQ 0 reaches the IOAPIC on GSI 2 on PCs (a MADT override): this only passes when the
 * override is honoured. */
KTEST(ioapic_routes_pit_irq0_through_its_override)
{
    interrupt_handler_t old = idt_get_handler(KTEST_IRQ_VECTOR);
    bool was_on = cpu_irqs_enabled();
    idt_set_handler(KTEST_IRQ_VECTOR, ktest_irq_handler);
    ktest_irq_hits = 0;
    ktest_pit_ch0(PIT_CH0_RATE_GEN, PIT_1KHZ_COUNT);
    ioapic_route_irq(0, KTEST_IRQ_VECTOR);
    cpu_sti();
    /* Until a few IRQs came, or 2 s: a busy host may stall the whole machine for longer than
     * the 30 ms this needs (missed PIT periods then arrive as one). */
    uint64_t t0 = clock_now_ns(), elapsed = 0;
    do {
        clock_delay_ns(MS);
        elapsed = clock_now_ns() - t0;
    } while (ktest_irq_hits < 5 && elapsed < 2000 * MS);
    cpu_cli();
    ioapic_mask_irq(0);
    ktest_pit_ch0(PIT_CH0_ONESHOT, 0xFFFF); /* stops after one final count */
    idt_set_handler(KTEST_IRQ_VECTOR, old);
    if (was_on)
        cpu_sti();
    KTEST_EXPECT(ktest_irq_hits >= 5);
    KTEST_EXPECT(ktest_irq_hits <= 10 + 2 * elapsed / MS); /* 1 kHz, never faster */
}

KTEST(apic_xapic_registers_are_mapped_in_the_mmio_window)
{
    if (apic_x2apic_mode())
        return; /* MSR interface: nothing mapped */
    uint64_t phys = rdmsr(MSR_APIC_BASE) & 0x000FFFFFFFFFF000ULL;
    KTEST_EXPECT(vmm_translate(APIC_MMIO_WINDOW + phys) == phys);
}
