/*
 * time_internal.h - internal to kernel/time: the reference counters used to calibrate the
 * TSC (HPET, ACPI PM timer, PIT channel 2), the CMOS RTC, and the pure arithmetic behind
 * them (timecalc.c, host-tested).
 */
#ifndef KERNEL_TIME_TIME_INTERNAL_H
#define KERNEL_TIME_TIME_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#define NSEC_PER_SEC       1000000000ULL
#define PMTIMER_HZ         3579545ULL
#define PIT_HZ             1193182ULL
/* Upper bound, in TSC cycles, of any wait for a timer that might not exist (0.2 s at 10 GHz,
 * 2 s at 1 GHz): beyond it the hardware is taken to be absent. */
#define TIME_WAIT_TSC_LIMIT (1ULL << 31)

/* hpet.c: maps and starts the main counter; false when the HPET is absent or bogus. */
bool hpet_init(uint64_t phys);
bool hpet_present(void);
uint64_t hpet_read(void);
uint64_t hpet_hz(void);
uint64_t hpet_mask(void);     /* counter width: 0xFFFFFFFF or ~0 */

/* pmtimer.c: checks the ACPI PM timer ticks; false when it does not. */
bool pmtimer_init(uint32_t port, bool is_32bit);
bool pmtimer_present(void);
uint64_t pmtimer_read(void);
uint64_t pmtimer_mask(void);

/* pit.c: TSC cycles elapsed while PIT channel 2 counts down `count` ticks; false when the
 * PIT does not answer. */
bool pit_count_tsc(uint16_t count, uint64_t *tsc_cycles);

typedef struct {
    uint32_t year;
    uint8_t month, day, hour, minute, second;
} rtc_time_t;

/* Raw CMOS registers as read (century 0 when there is no century register). */
typedef struct {
    uint8_t second, minute, hour, day, month, year, century, status_b;
} rtc_raw_t;

/* rtc.c: reads the CMOS clock (bounded waits); false when it is absent or inconsistent. */
bool rtc_read(uint8_t century_reg, rtc_time_t *out);

/* timecalc.c */
uint64_t time_ns_mult(uint64_t hz);                       /* for time_ticks_to_ns */
uint64_t time_ticks_to_ns(uint64_t ticks, uint64_t ns_mult);
uint64_t time_ticks_mult(uint64_t hz);                    /* for time_ns_to_ticks */
uint64_t time_ns_to_ticks(uint64_t ns, uint64_t ticks_mult); /* rounds up */
/* BCD/binary and 12/24 h per status B; false for values out of range. */
bool time_rtc_decode(const rtc_raw_t *raw, rtc_time_t *out);
/* Two TSC calibrations (Hz) agree when they differ by at most 2 %. */
bool time_cal_agree(uint64_t a, uint64_t b);
/* Calibrations against a first reference (a), a second (b) and a third (c, 0 = none):
 * a when a and b agree, else the one two of the three agree on (their mean), else 0. */
uint64_t time_cal_pick(uint64_t a, uint64_t b, uint64_t c);
/* Seconds since 1970-01-01 00:00 UTC; t must be valid and year >= 1970. */
uint64_t time_to_unix(const rtc_time_t *t);

#endif
