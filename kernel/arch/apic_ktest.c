/*
 * apic_ktest.c - self-tests of the LAPIC timer's mode changes. Tickless idle switches this
 * CPU's timer between the periodic tick and one-shots thousands of times a second; each
 * change must leave exactly the mode and count asked for, and none may change the mode
 * while a count is loaded (lapic_timer_program: under QEMU that order froze the machine,
 * the tickless lost wake-up of issue 18). lapic_write ASSERTs the stop before every write of
 * the timer's LVT entry, so the old order (mode first, then the count) panics in the first
 * round here, deterministically, whether or not QEMU would have frozen that time.
 */
#include "kernel/arch/apic.h"
#include "kernel/arch/cpu.h"
#include "kernel/ktest.h"
#include "kernel/time/clock.h"

#define LVT_VECTOR_MASK 0xFFu
#define LVT_MASKED_BIT  (1u << 16)

static bool timer_is(bool periodic, uint32_t count)
{
    uint32_t lvt, init;
    apic_timer_state(&lvt, &init);
    return (lvt & LVT_VECTOR_MASK) == APIC_TIMER_VECTOR && !(lvt & LVT_MASKED_BIT) &&
           ((lvt & APIC_LVT_TIMER_PERIODIC) != 0) == periodic && init == count;
}

KTEST(apic_timer_mode_changes_load_the_asked_count_after_a_stop)
{
    uint32_t period = apic_timer_period_count();
    KTEST_EXPECT(period != 0); /* kernel_main started the tick before the tests */
    bool irqs = cpu_irqs_enabled();
    cpu_cli(); /* the whole dance on this CPU, without its own ticks in between */
    bool ok = true;
    for (int i = 0; i < 500 && ok; i++) {
        /* The smallest one-shot (a deadline already due), left to expire, then the tick
         * back: the transition that froze QEMU when the mode changed first. */
        ok &= apic_timer_oneshot_ns(1) && timer_is(false, 1);
        clock_delay_ns(2000);
        apic_timer_resume_periodic();
        ok &= timer_is(true, period);
        /* No timer at all (nothing to wait for), and a one-shot cut short by a wake-up. */
        ok &= apic_timer_oneshot_ns(0) && timer_is(false, 0);
        apic_timer_resume_periodic();
        ok &= apic_timer_oneshot_ns(5000000) && timer_is(false, period / 2);
        apic_timer_resume_periodic();
        ok &= timer_is(true, period);
    }
    if (irqs)
        cpu_sti();
    KTEST_EXPECT(ok);
}
