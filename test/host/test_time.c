/*
 * test_time.c - host tests of the time arithmetic (kernel/time/timecalc.c): tick <-> ns
 * conversion without overflow, CMOS decoding (BCD/binary, 12/24 h, century) and calendar
 * to Unix time, checked against the host's timegm().
 */
#define _GNU_SOURCE
#include <time.h>
#include "host_test.h"

#include "kernel/time/timecalc.c"

HOST_TEST(ticks_to_ns_is_exact_for_round_frequencies)
{
    uint64_t m = time_ns_mult(1000000000ULL);
    CHECK_EQ(time_ticks_to_ns(123456789, m), 123456789);
    m = time_ns_mult(2000000000ULL);
    CHECK_EQ(time_ticks_to_ns(2000000000ULL, m), 1000000000ULL);
}

HOST_TEST(ticks_to_ns_does_not_overflow_for_huge_deltas)
{
    uint64_t hz = 2600000000ULL;
    uint64_t m = time_ns_mult(hz);
    uint64_t ten_years = 10ULL * 365 * 86400 * hz; /* 8.2e17 ticks: delta * mult > 2^64 */
    uint64_t ns = time_ticks_to_ns(ten_years, m);
    uint64_t want = 10ULL * 365 * 86400 * 1000000000ULL;
    CHECK(ns > want - want / 1000000 && ns <= want);
}

HOST_TEST(ticks_to_ns_stays_within_one_ppm_for_odd_frequencies)
{
    static const uint64_t hzs[] = { 50000000ULL, 1193182ULL * 1000, 2594107000ULL,
                                    3579545ULL * 1000, 49999999999ULL };
    for (unsigned i = 0; i < sizeof(hzs) / sizeof(hzs[0]); i++) {
        uint64_t m = time_ns_mult(hzs[i]);
        uint64_t ns = time_ticks_to_ns(hzs[i], m); /* one second of ticks */
        CHECK(ns > 999999000ULL && ns <= 1000000000ULL);
    }
}

HOST_TEST(ns_to_ticks_rounds_up_so_delays_are_never_short)
{
    static const uint64_t hzs[] = { 50000000ULL, 2594107000ULL, 3000000001ULL, 49999999999ULL };
    static const uint64_t nss[] = { 1, 999, 10000000ULL, 1000000000ULL, 3600000000000ULL };
    for (unsigned i = 0; i < sizeof(hzs) / sizeof(hzs[0]); i++) {
        uint64_t m = time_ticks_mult(hzs[i]);
        for (unsigned j = 0; j < sizeof(nss) / sizeof(nss[0]); j++) {
            unsigned __int128 exact = (unsigned __int128)nss[j] * hzs[i];
            uint64_t need = (uint64_t)((exact + 999999999) / 1000000000ULL);
            uint64_t got = time_ns_to_ticks(nss[j], m);
            CHECK(got >= need);
            CHECK(got <= need + need / 1000000 + 2);
        }
    }
}

static uint64_t host_timegm(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
                     .tm_min = mi, .tm_sec = s };
    return (uint64_t)timegm(&tm);
}

HOST_TEST(unix_time_matches_timegm_over_two_centuries)
{
    for (uint32_t y = 1970; y < 2200; y += 7) {
        for (uint8_t mo = 1; mo <= 12; mo++) {
            rtc_time_t t = { .year = y, .month = mo, .day = (uint8_t)(mo == 2 ? 28 : 30),
                             .hour = 23, .minute = 59, .second = 58 };
            CHECK_EQ(time_to_unix(&t), host_timegm((int)y, mo, t.day, 23, 59, 58));
        }
    }
    rtc_time_t leap = { .year = 2024, .month = 2, .day = 29, .hour = 12 };
    CHECK_EQ(time_to_unix(&leap), host_timegm(2024, 2, 29, 12, 0, 0));
    rtc_time_t y2000 = { .year = 2000, .month = 3, .day = 1 };
    CHECK_EQ(time_to_unix(&y2000), 951868800);
}

HOST_TEST(rtc_bcd_24h_with_century)
{
    rtc_raw_t r = { .second = 0x59, .minute = 0x07, .hour = 0x20, .day = 0x22, .month = 0x11,
                    .year = 0x26, .century = 0x20, .status_b = 0x02 };
    rtc_time_t t;
    CHECK(time_rtc_decode(&r, &t));
    CHECK_EQ(t.year, 2026);
    CHECK_EQ(t.month, 11);
    CHECK_EQ(t.day, 22);
    CHECK_EQ(t.hour, 20);
    CHECK_EQ(t.minute, 7);
    CHECK_EQ(t.second, 59);
}

HOST_TEST(rtc_binary_12h_pm_and_midnight)
{
    rtc_raw_t r = { .second = 5, .minute = 30, .hour = 0x80 | 8, .day = 1, .month = 1,
                    .year = 25, .status_b = 0x04 };
    rtc_time_t t;
    CHECK(time_rtc_decode(&r, &t));
    CHECK_EQ(t.hour, 20);
    CHECK_EQ(t.year, 2025);
    r.hour = 12; /* 12 AM is midnight */
    CHECK(time_rtc_decode(&r, &t));
    CHECK_EQ(t.hour, 0);
    r.hour = 0x80 | 12; /* 12 PM is noon */
    CHECK(time_rtc_decode(&r, &t));
    CHECK_EQ(t.hour, 12);
}

HOST_TEST(rtc_bcd_12h_pm)
{
    rtc_raw_t r = { .second = 0, .minute = 0, .hour = 0x80 | 0x11, .day = 0x31, .month = 0x12,
                    .year = 0x99, .century = 0x19, .status_b = 0 };
    rtc_time_t t;
    CHECK(time_rtc_decode(&r, &t));
    CHECK_EQ(t.hour, 23);
    CHECK_EQ(t.year, 1999);
}

HOST_TEST(rtc_invalid_values_are_refused)
{
    rtc_raw_t ok = { .second = 0x10, .minute = 0x10, .hour = 0x10, .day = 0x10, .month = 0x10,
                     .year = 0x24, .status_b = 0x02 };
    rtc_time_t t;
    CHECK(time_rtc_decode(&ok, &t));
    rtc_raw_t r = ok;
    r.month = 0x13;
    CHECK(!time_rtc_decode(&r, &t));
    r = ok;
    r.second = 0x1A; /* not BCD */
    CHECK(!time_rtc_decode(&r, &t));
    r = ok;
    r.day = 0x31; r.month = 0x02; /* 31 February */
    CHECK(!time_rtc_decode(&r, &t));
    r = ok;
    r.hour = 0x24;
    CHECK(!time_rtc_decode(&r, &t));
    r = ok;
    r.status_b = 0; r.hour = 0x00; /* hour 0 does not exist in 12 h mode */
    CHECK(!time_rtc_decode(&r, &t));
    rtc_raw_t absent = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0xFF };
    CHECK(!time_rtc_decode(&absent, &t));
}

HOST_TEST(rtc_junk_century_register_means_2000s)
{
    rtc_raw_t r = { .second = 0, .minute = 0, .hour = 0, .day = 1, .month = 1, .year = 0x30,
                    .century = 0x05, .status_b = 0x02 };
    rtc_time_t t;
    CHECK(time_rtc_decode(&r, &t));
    CHECK_EQ(t.year, 2030);
}

HOST_TEST(calibration_pick_takes_the_two_that_agree)
{
    CHECK(time_cal_agree(2000000000ull, 2030000000ull));
    CHECK(!time_cal_agree(2000000000ull, 2050000000ull));
    CHECK(!time_cal_agree(0, 0));
    CHECK_EQ(time_cal_pick(2000000000ull, 2010000000ull, 0), 2000000000ull);
    /* the first reference lies (8x): the other two win */
    CHECK_EQ(time_cal_pick(250000000ull, 2000000000ull, 2000000000ull), 2000000000ull);
    /* the second lies */
    CHECK_EQ(time_cal_pick(2000000000ull, 250000000ull, 2000000000ull), 2000000000ull);
    /* no third, or all three apart: nothing to go with */
    CHECK_EQ(time_cal_pick(2000000000ull, 250000000ull, 0), 0);
    CHECK_EQ(time_cal_pick(2000000000ull, 250000000ull, 900000000ull), 0);
}
