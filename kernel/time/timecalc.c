/*
 * timecalc.c - the arithmetic of time keeping, kept free of hardware so the host tests can
 * check it: tick <-> ns conversion by multiply-and-shift (128-bit products, so no overflow
 * for any 64-bit tick count and no 128-bit division), CMOS value decoding and calendar to
 * Unix time.
 */
#include "kernel/time/time_internal.h"

#define NS_SHIFT    32 /* ns_mult = 2^32 * 1e9 / hz: fits in 64 bits for hz >= 1 */
#define TICKS_SHIFT 24 /* ticks_mult = 2^24 * hz / 1e9: fits for hz < 2^39 */

uint64_t time_ns_mult(uint64_t hz)
{
    return hz ? (NSEC_PER_SEC << NS_SHIFT) / hz : 0;
}

uint64_t time_ticks_to_ns(uint64_t ticks, uint64_t ns_mult)
{
    return (uint64_t)(((unsigned __int128)ticks * ns_mult) >> NS_SHIFT);
}

uint64_t time_ticks_mult(uint64_t hz)
{
    if (hz >= (1ULL << (64 - TICKS_SHIFT)))
        hz = (1ULL << (64 - TICKS_SHIFT)) - 1;
    return ((hz << TICKS_SHIFT) + NSEC_PER_SEC - 1) / NSEC_PER_SEC;
}

uint64_t time_ns_to_ticks(uint64_t ns, uint64_t ticks_mult)
{
    unsigned __int128 t = (unsigned __int128)ns * ticks_mult;
    uint64_t ticks = (uint64_t)(t >> TICKS_SHIFT);
    return (t & ((1u << TICKS_SHIFT) - 1)) ? ticks + 1 : ticks;
}

/* Decodes one CMOS value; false for a BCD digit above 9. */
static bool time_cmos_value(uint8_t v, bool bcd, uint8_t *out)
{
    if (!bcd) {
        *out = v;
        return true;
    }
    if ((v & 0x0F) > 9 || (v >> 4) > 9)
        return false;
    *out = (uint8_t)((v >> 4) * 10 + (v & 0x0F));
    return true;
}

static bool time_leap(uint32_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static uint8_t time_month_days(uint32_t y, uint8_t m)
{
    static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return (uint8_t)(days[m - 1] + (m == 2 && time_leap(y)));
}

#define RTC_B_24H    0x02
#define RTC_B_BINARY 0x04
#define RTC_HOUR_PM  0x80

bool time_rtc_decode(const rtc_raw_t *raw, rtc_time_t *out)
{
    bool bcd = !(raw->status_b & RTC_B_BINARY), h12 = !(raw->status_b & RTC_B_24H);
    uint8_t hour = raw->hour, yy, cc = 20;
    bool pm = h12 && (hour & RTC_HOUR_PM);

    if (h12)
        hour &= (uint8_t)~RTC_HOUR_PM;
    if (!time_cmos_value(raw->second, bcd, &out->second) ||
        !time_cmos_value(raw->minute, bcd, &out->minute) ||
        !time_cmos_value(hour, bcd, &out->hour) || !time_cmos_value(raw->day, bcd, &out->day) ||
        !time_cmos_value(raw->month, bcd, &out->month) || !time_cmos_value(raw->year, bcd, &yy))
        return false;
    /* A century register holding junk is ignored: the 21st century is the safe guess. */
    if (raw->century && (!time_cmos_value(raw->century, bcd, &cc) || cc < 19 || cc > 99))
        cc = 20;
    if (yy > 99)
        return false;
    out->year = cc * 100u + yy;
    if (h12) {
        if (out->hour == 0 || out->hour > 12)
            return false;
        out->hour = (uint8_t)(out->hour % 12 + (pm ? 12 : 0));
    }
    return out->year >= 1970 && out->month >= 1 && out->month <= 12 && out->day >= 1 &&
           out->day <= time_month_days(out->year, out->month) && out->hour < 24 &&
           out->minute < 60 && out->second < 60;
}

/* Leap years in [1, y]. */
static uint64_t time_leaps_through(uint32_t y)
{
    return y / 4 - y / 100 + y / 400;
}

uint64_t time_to_unix(const rtc_time_t *t)
{
    uint64_t days = (uint64_t)(t->year - 1970) * 365 + time_leaps_through(t->year - 1) -
                    time_leaps_through(1969);
    for (uint8_t m = 1; m < t->month; m++)
        days += time_month_days(t->year, m);
    days += t->day - 1u;
    return days * 86400 + t->hour * 3600u + t->minute * 60u + t->second;
}

bool time_cal_agree(uint64_t a, uint64_t b)
{
    uint64_t hi = a > b ? a : b, lo = a > b ? b : a;
    return lo != 0 && hi - lo <= hi / 50;
}

uint64_t time_cal_pick(uint64_t a, uint64_t b, uint64_t c)
{
    if (time_cal_agree(a, b))
        return a;
    if (time_cal_agree(a, c))
        return a / 2 + c / 2;
    if (time_cal_agree(b, c))
        return b / 2 + c / 2;
    return 0;
}
