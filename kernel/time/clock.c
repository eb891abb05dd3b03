/*
 * clock.c - the kernel's time base: the TSC, calibrated at boot against the best reference
 * ACPI offers (HPET, else the ACPI PM timer, else PIT channel 2, else what CPUID claims),
 * converted to nanoseconds by multiply-and-shift; wall time from the RTC read at boot.
 *
 * Invariants: clock_now_ns never goes backwards (a global high-water mark absorbs small TSC
 * differences between CPUs); every calibration wait is bounded by TIME_WAIT_TSC_LIMIT, so
 * missing hardware costs time, never a hang. Before clock_init, clock_now_ns is 0 and
 * clock_delay_ns assumes a 10 GHz TSC (it waits too long rather than too short).
 */
#include "kernel/time/clock.h"
#include "kernel/acpi/acpi.h"
#include "kernel/arch/cpu.h"
#include "kernel/cmdline.h"
#include "kernel/kprintf.h"
#include "kernel/lib/string.h"
#include "kernel/time/time_internal.h"

#define CLOCK_CAL_WINDOW_NS 2000000ULL   /* 2 ms per measurement: HPET/PM counts give <0.01 % error */
#define CLOCK_CAL_RUNS      3            /* median of three: one SMI can't skew it */
#define CLOCK_TSC_MIN_HZ    50000000ULL
#define CLOCK_TSC_MAX_HZ    50000000000ULL
#define CLOCK_TSC_GUESS_HZ  2000000000ULL
#define CLOCK_EARLY_HZ      10000000000ULL
#define PIT_CAL_COUNT       11932        /* 10 ms of PIT ticks */

typedef uint64_t (*clock_counter_t)(void);
typedef enum { CLOCK_REF_HPET, CLOCK_REF_PMTIMER, CLOCK_REF_PIT } clock_ref_t;

static uint64_t tsc_hz, tsc_base, ns_mult, ticks_mult;
static uint64_t clock_last_ns;
static uint64_t rtc_epoch, rtc_epoch_ns;
static const char *clock_source = "nothing";
static const char *clock_check = "not cross-checked";

/* TSC Hz measured over CLOCK_CAL_WINDOW_NS of a free-running counter; 0 when it failed. */
static uint64_t clock_measure_counter(clock_counter_t read, uint64_t hz, uint64_t mask)
{
    uint64_t want = hz * CLOCK_CAL_WINDOW_NS / NSEC_PER_SEC;
    uint64_t c0 = read(), t0 = rdtsc(), t, ref;
    do {
        ref = (read() - c0) & mask;
        t = rdtsc();
        if (t - t0 > TIME_WAIT_TSC_LIMIT)
            return 0;
    } while (ref < want);
    /* t - t0 < 2^31 and hz <= 2^30 (hpet.c, pmtimer): the product fits in 64 bits. */
    return (t - t0) * hz / ref;
}

static uint64_t clock_measure_pit(void)
{
    uint64_t cycles;
    if (!pit_count_tsc(PIT_CAL_COUNT, &cycles))
        return 0;
    return cycles * PIT_HZ / PIT_CAL_COUNT;
}

static uint64_t clock_median3(uint64_t a, uint64_t b, uint64_t c)
{
    if (a > b) { uint64_t t = a; a = b; b = t; }
    if (b > c) b = c;
    return a > b ? a : b;
}

static bool clock_hz_plausible(uint64_t hz)
{
    return hz >= CLOCK_TSC_MIN_HZ && hz <= CLOCK_TSC_MAX_HZ;
}

/* Median of CLOCK_CAL_RUNS measurements against ref, 0 if any of them failed. */
static uint64_t clock_calibrate_with(clock_ref_t ref)
{
    uint64_t r[CLOCK_CAL_RUNS];
    for (int i = 0; i < CLOCK_CAL_RUNS; i++) {
        if (ref == CLOCK_REF_HPET)
            r[i] = clock_measure_counter(hpet_read, hpet_hz(), hpet_mask());
        else if (ref == CLOCK_REF_PMTIMER)
            r[i] = clock_measure_counter(pmtimer_read, PMTIMER_HZ, pmtimer_mask());
        else
            r[i] = clock_measure_pit();
        if (!clock_hz_plausible(r[i]))
            return 0;
    }
    return clock_median3(r[0], r[1], r[2]);
}

/* What the CPU says its TSC runs at (leaf 0x15, else 0x16), 0 when it says nothing. */
static uint64_t clock_cpuid_tsc_hz(void)
{
    uint32_t max, a, b, c, d;
    cpuid(0, 0, &max, &b, &c, &d);
    if (max >= 0x15) {
        cpuid(0x15, 0, &a, &b, &c, &d);
        if (a && b && c)
            return (uint64_t)c * b / a;
    }
    if (max >= 0x16) {
        cpuid(0x16, 0, &a, &b, &c, &d);
        if (a & 0xFFFF)
            return (uint64_t)(a & 0xFFFF) * 1000000ULL;
    }
    return 0;
}

/* `clock=hpet|pmtimer|pit` on the command line restricts calibration to that reference
 * (to exercise the fallbacks on machines that have the better ones). */
static bool clock_ref_allowed(const char *name)
{
    const char *want = cmdline_get(&kernel_cmdline, "clock");
    return !want || strcmp(want, name) == 0;
}

/* The HPET's answer checked against the PM timer's (issue 20: a guest clock once ran 8x
 * fast after a USB boot; a reference that lies would do exactly that, and the median of
 * three windows cannot catch a reference that is wrong every time). One PM window is
 * enough to agree within 2 % (a window is good to 0.01 %): the usual case waits 2 ms, not
 * 6 (issue 18, boot time). Only when it disagrees (an SMI can skew a single window) is the
 * PM timer measured as carefully as the HPET; if the two still disagree by more than 2 %,
 * the PIT decides; with no two in agreement the HPET's answer stays. */
static uint64_t clock_cross_check(uint64_t hz)
{
    if (cmdline_get(&kernel_cmdline, "clock") || !acpi_info.pm_timer_port ||
        !pmtimer_init(acpi_info.pm_timer_port, acpi_info.pm_timer_32bit))
        return hz;
    uint64_t pm = clock_measure_counter(pmtimer_read, PMTIMER_HZ, pmtimer_mask());
    if (!clock_hz_plausible(pm) || !time_cal_agree(hz, pm))
        pm = clock_calibrate_with(CLOCK_REF_PMTIMER);
    if (!pm || time_cal_agree(hz, pm)) {
        if (pm)
            clock_check = "checked against the ACPI PM timer";
        return hz;
    }
    uint64_t pit = clock_calibrate_with(CLOCK_REF_PIT);
    uint64_t pick = time_cal_pick(hz, pm, pit);
    kprintf("clock: HPET gives %llu kHz, the ACPI PM timer %llu kHz, the PIT %llu kHz: %s\n",
            (unsigned long long)(hz / 1000), (unsigned long long)(pm / 1000),
            (unsigned long long)(pit / 1000),
            pick ? "going with the two that agree" : "no two agree, keeping the HPET's");
    clock_check = "cross-checked: references disagreed";
    return pick ? pick : hz;
}

static uint64_t clock_calibrate(void)
{
    uint64_t hz = 0;
    if (clock_ref_allowed("hpet") && acpi_info.hpet_phys && hpet_init(acpi_info.hpet_phys)) {
        clock_source = "HPET";
        hz = clock_calibrate_with(CLOCK_REF_HPET);
        if (hz)
            hz = clock_cross_check(hz);
    }
    if (!hz && clock_ref_allowed("pmtimer") && acpi_info.pm_timer_port &&
        pmtimer_init(acpi_info.pm_timer_port, acpi_info.pm_timer_32bit)) {
        clock_source = "ACPI PM timer";
        hz = clock_calibrate_with(CLOCK_REF_PMTIMER);
    }
    if (!hz && clock_ref_allowed("pit")) {
        clock_source = "PIT channel 2";
        hz = clock_calibrate_with(CLOCK_REF_PIT);
    }
    if (!hz) {
        clock_source = "CPUID (uncalibrated)";
        hz = clock_cpuid_tsc_hz();
    }
    if (!clock_hz_plausible(hz)) {
        clock_source = "a guess (no timer answered)";
        hz = CLOCK_TSC_GUESS_HZ;
    }
    return hz;
}

static bool clock_tsc_invariant(void)
{
    uint32_t max, b, c, d;
    cpuid(0x80000000u, 0, &max, &b, &c, &d);
    if (max < 0x80000007u)
        return false;
    cpuid(0x80000007u, 0, &max, &b, &c, &d);
    return (d & (1u << 8)) != 0;
}

static void clock_rtc_init(void)
{
    rtc_time_t t;
    if (!rtc_read(acpi_info.rtc_century_reg, &t)) {
        kprintf("clock: no readable RTC; wall time starts at 1970\n");
        return;
    }
    rtc_epoch = time_to_unix(&t);
    rtc_epoch_ns = clock_now_ns();
    kprintf("clock: RTC %04u-%02u-%02u %02u:%02u:%02u UTC (unix %llu)\n", t.year, t.month,
            t.day, t.hour, t.minute, t.second, (unsigned long long)rtc_epoch);
}

void clock_init(void)
{
    uint64_t hz = clock_calibrate();
    ns_mult = time_ns_mult(hz);
    ticks_mult = time_ticks_mult(hz);
    tsc_base = rdtsc();
    __atomic_store_n(&tsc_hz, hz, __ATOMIC_RELEASE);
    kprintf("clock: TSC %llu.%03llu MHz (%s), calibrated against %s, %s\n",
            (unsigned long long)(hz / 1000000), (unsigned long long)(hz / 1000 % 1000),
            clock_tsc_invariant() ? "invariant" : "not invariant", clock_source, clock_check);
    clock_rtc_init();
}

uint64_t clock_tsc_hz(void)
{
    return __atomic_load_n(&tsc_hz, __ATOMIC_ACQUIRE);
}

uint64_t clock_tsc_to_ns(uint64_t tsc_delta)
{
    return clock_tsc_hz() ? time_ticks_to_ns(tsc_delta, ns_mult) : 0;
}

uint64_t clock_now_ns(void)
{
    if (!clock_tsc_hz())
        return 0;
    uint64_t tsc = rdtsc();
    uint64_t now = time_ticks_to_ns(tsc > tsc_base ? tsc - tsc_base : 0, ns_mult);
    uint64_t last = __atomic_load_n(&clock_last_ns, __ATOMIC_RELAXED);
    do {
        if (now <= last)
            return last;
    } while (!__atomic_compare_exchange_n(&clock_last_ns, &last, now, true, __ATOMIC_RELAXED,
                                          __ATOMIC_RELAXED));
    return now;
}

void clock_delay_ns(uint64_t ns)
{
    uint64_t mult = clock_tsc_hz() ? ticks_mult : time_ticks_mult(CLOCK_EARLY_HZ);
    uint64_t start = rdtsc(), cycles = time_ns_to_ticks(ns, mult);
    while (rdtsc() - start < cycles)
        cpu_pause();
}

uint64_t clock_unix_epoch(void)
{
    return rtc_epoch + (clock_now_ns() - rtc_epoch_ns) / NSEC_PER_SEC;
}

uint64_t clock_unix_ns(void)
{
    return rtc_epoch * NSEC_PER_SEC + (clock_now_ns() - rtc_epoch_ns);
}
