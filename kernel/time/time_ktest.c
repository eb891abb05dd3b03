/*
 * time_ktest.c - self-tests of the clock, the LAPIC timer and the RTC on the running machine.
 * Delays are also measured with the HPET or PM timer when there is one, so a wrongly
 * calibrated TSC can't pass by measuring itself.
 */
#include "kernel/arch/apic.h"
#include "kernel/arch/cpu.h"
#include "kernel/ktest.h"
#include "kernel/time/clock.h"
#include "kernel/time/time_internal.h"

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

KTEST(clock_delay_10ms_measures_9_to_100ms)
{
    uint64_t t0 = clock_now_ns();
    clock_delay_ns(10 * MS);
    uint64_t dt = clock_now_ns() - t0;
    KTEST_EXPECT(dt >= 9 * MS);
    KTEST_EXPECT(dt <= 100 * MS);
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
    KTEST_EXPECT(ns <= 200 * MS);
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
