/*
 * rtc.c - reads the CMOS real-time clock. The registers are read only while no update is in
 * progress (UIP clear, a bounded wait), twice, until two reads agree, so a read never mixes
 * two seconds. An absent RTC (ports reading 0xFF) gives up instead of spinning.
 */
#include "kernel/arch/cpu.h"
#include "kernel/time/time_internal.h"

#define CMOS_INDEX   0x70
#define CMOS_DATA    0x71
#define RTC_SECONDS  0x00
#define RTC_MINUTES  0x02
#define RTC_HOURS    0x04
#define RTC_DAY      0x07
#define RTC_MONTH    0x08
#define RTC_YEAR     0x09
#define RTC_STATUS_A 0x0A
#define RTC_STATUS_B 0x0B
#define RTC_A_UIP    0x80
#define RTC_UIP_POLLS 100000u /* UIP lasts < 2 ms; each poll is >= 1 us of port I/O */
#define RTC_READ_TRIES 5

static uint8_t cmos_read(uint8_t reg)
{
    outb(CMOS_INDEX, reg); /* bit 7 clear: NMIs stay enabled */
    return inb(CMOS_DATA);
}

static bool rtc_wait_idle(void)
{
    for (uint32_t i = 0; i < RTC_UIP_POLLS; i++)
        if (!(cmos_read(RTC_STATUS_A) & RTC_A_UIP))
            return true;
    return false;
}

static bool rtc_read_raw(uint8_t century_reg, rtc_raw_t *r)
{
    if (!rtc_wait_idle())
        return false;
    r->second = cmos_read(RTC_SECONDS);
    r->minute = cmos_read(RTC_MINUTES);
    r->hour = cmos_read(RTC_HOURS);
    r->day = cmos_read(RTC_DAY);
    r->month = cmos_read(RTC_MONTH);
    r->year = cmos_read(RTC_YEAR);
    r->century = century_reg ? cmos_read(century_reg) : 0;
    r->status_b = cmos_read(RTC_STATUS_B);
    return true;
}

static bool rtc_raw_equal(const rtc_raw_t *a, const rtc_raw_t *b)
{
    return a->second == b->second && a->minute == b->minute && a->hour == b->hour &&
           a->day == b->day && a->month == b->month && a->year == b->year &&
           a->century == b->century && a->status_b == b->status_b;
}

bool rtc_read(uint8_t century_reg, rtc_time_t *out)
{
    rtc_raw_t prev, cur;
    if (!rtc_read_raw(century_reg, &prev))
        return false;
    for (int i = 0; i < RTC_READ_TRIES; i++) {
        if (!rtc_read_raw(century_reg, &cur))
            return false;
        if (rtc_raw_equal(&prev, &cur))
            return time_rtc_decode(&cur, out);
        prev = cur;
    }
    return false;
}
