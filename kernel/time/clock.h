/*
 * clock.h - time: a monotonic nanosecond clock (TSC calibrated against HPET, the ACPI PM timer,
 * or the PIT as a last resort), the LAPIC timer for the scheduler, and wall time from the RTC.
 */
#ifndef KERNEL_TIME_CLOCK_H
#define KERNEL_TIME_CLOCK_H

#include <stdint.h>

/* Calibrates against the best reference found by ACPI; logs which one it used. */
void clock_init(void);
uint64_t clock_now_ns(void);           /* monotonic, since clock_init */
uint64_t clock_tsc_hz(void);
uint64_t clock_tsc_to_ns(uint64_t tsc_delta);
/* Busy-waits at least ns nanoseconds (used before the scheduler exists). */
void clock_delay_ns(uint64_t ns);
/* Seconds since 1970 read from the RTC at boot plus the monotonic clock. */
uint64_t clock_unix_epoch(void);
/* The same in nanoseconds (the RTC's second at boot plus the monotonic clock since). */
uint64_t clock_unix_ns(void);

#endif
