/*
 * test_format.c - format_v / vsnprintf / snprintf against the host C library's snprintf, which
 * is a real oracle for every case C defines. Spindle-specific behaviour (%p as 0x + 16 digits,
 * NULL %s, unknown conversions) is checked against literal expectations.
 */
#include "host_test.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "kernel/lib/format.c"

#define OUT_SIZE 512

/* Compares kformat_snprintf with the host's for one format and its arguments. */
#define SAME_AS_HOST(...) \
    do { \
        char host_[OUT_SIZE], ours_[OUT_SIZE]; \
        memset(host_, 'H', sizeof host_); \
        memset(ours_, 'O', sizeof ours_); \
        int rh_ = snprintf(host_, sizeof host_, __VA_ARGS__); \
        int ro_ = kformat_snprintf(ours_, sizeof ours_, __VA_ARGS__); \
        if (rh_ != ro_ || strcmp(host_, ours_) != 0) \
            printf("  mismatch for %s: host %d \"%s\", ours %d \"%s\"\n", #__VA_ARGS__, rh_, \
                   host_, ro_, ours_); \
        CHECK_EQ(ro_, rh_); \
        CHECK(strcmp(host_, ours_) == 0); \
    } while (0)

static const char *const flag_sets[] = { "", "-", "0", " ", "+", "#", "-0", "+0", " 0", "#0",
                                         "-+", "- ", "-#", "+ ", "#+", "-0+ #" };
static const char *const widths[] = { "", "1", "5", "12", "25" };
static const char *const precisions[] = { "", ".", ".0", ".1", ".3", ".10", ".22" };

/* Builds "%<flags><width><precision><length><conv>" into buf. */
static void build_fmt(char *buf, size_t size, const char *flags, const char *width,
                      const char *prec, const char *length, char conv)
{
    snprintf(buf, size, "%%%s%s%s%s%c", flags, width, prec, length, conv);
}

/* Runs fmt with a value of type T through both implementations. */
#define COMPARE_MATRIX(T, length, convs, values) \
    do { \
        for (size_t f_ = 0; f_ < sizeof flag_sets / sizeof *flag_sets; f_++) \
        for (size_t w_ = 0; w_ < sizeof widths / sizeof *widths; w_++) \
        for (size_t p_ = 0; p_ < sizeof precisions / sizeof *precisions; p_++) \
        for (const char *c_ = convs; *c_; c_++) \
        for (size_t v_ = 0; v_ < sizeof values / sizeof *values; v_++) { \
            char fmt_[64]; \
            build_fmt(fmt_, sizeof fmt_, flag_sets[f_], widths[w_], precisions[p_], length, *c_); \
            T val_ = values[v_]; \
            char host_[OUT_SIZE], ours_[OUT_SIZE]; \
            int rh_ = snprintf(host_, sizeof host_, fmt_, val_); \
            int ro_ = kformat_snprintf(ours_, sizeof ours_, fmt_, val_); \
            if (rh_ != ro_ || strcmp(host_, ours_) != 0) \
                printf("  mismatch for \"%s\" (value #%zu): host \"%s\", ours \"%s\"\n", fmt_, \
                       v_, host_, ours_); \
            CHECK_EQ(ro_, rh_); \
            CHECK(strcmp(host_, ours_) == 0); \
        } \
    } while (0)

static const int int_values[] = { 0, 1, -1, 7, 8, 42, -42, 255, 4096, 0x1234abcd, INT_MAX,
                                  INT_MIN, -100000 };
static const unsigned uint_values[] = { 0, 1, 8, 9, 255, 0xdeadbeef, UINT_MAX };
static const long long ll_values[] = { 0, -1, LLONG_MAX, LLONG_MIN, 0x123456789abcdefLL,
                                       -0x76543210fedcbaLL };
static const unsigned long long ull_values[] = { 0, 1, ULLONG_MAX, 0x8000000000000000ULL };
static const long l_values[] = { 0, LONG_MIN, LONG_MAX, -5 };
static const int hh_values[] = { 0, 127, 128, 255, 256, 300, -1, -128, -129 };
static const int h_values[] = { 0, 32767, 32768, 65535, 65536, 70000, -32769 };
static const size_t z_values[] = { 0, 1, SIZE_MAX, SIZE_MAX / 2 };
static const ptrdiff_t t_values[] = { 0, -1, PTRDIFF_MAX, PTRDIFF_MIN };
static const intmax_t j_values[] = { 0, INTMAX_MIN, INTMAX_MAX };

HOST_TEST(int_conversions_match_host_for_all_flag_width_precision_combinations)
{
    COMPARE_MATRIX(int, "", "dixXou", int_values);
    COMPARE_MATRIX(unsigned, "", "uxXo", uint_values);
}

HOST_TEST(length_modifiers_match_host)
{
    COMPARE_MATRIX(long long, "ll", "dixXou", ll_values);
    COMPARE_MATRIX(unsigned long long, "ll", "uxXo", ull_values);
    COMPARE_MATRIX(long, "l", "dixXou", l_values);
    COMPARE_MATRIX(int, "hh", "dixXou", hh_values);
    COMPARE_MATRIX(int, "h", "dixXou", h_values);
    COMPARE_MATRIX(size_t, "z", "uxXod", z_values);
    COMPARE_MATRIX(ptrdiff_t, "t", "dxi", t_values);
    COMPARE_MATRIX(intmax_t, "j", "dxuo", j_values);
}

HOST_TEST(strings_and_chars_match_host)
{
    static const char *const strs[] = { "", "a", "hello", "a longer string of text" };
    static const char *const s_flags[] = { "", "-" };
    for (size_t f = 0; f < 2; f++)
        for (size_t w = 0; w < sizeof widths / sizeof *widths; w++)
            for (size_t p = 0; p < sizeof precisions / sizeof *precisions; p++)
                for (size_t i = 0; i < sizeof strs / sizeof *strs; i++) {
                    char fmt[64];
                    build_fmt(fmt, sizeof fmt, s_flags[f], widths[w], precisions[p], "", 's');
                    SAME_AS_HOST(fmt, strs[i]);
                    build_fmt(fmt, sizeof fmt, s_flags[f], widths[w], "", "", 'c');
                    SAME_AS_HOST(fmt, strs[i][0] ? strs[i][0] : 'Z');
                }
}

HOST_TEST(mixed_text_star_and_percent_match_host)
{
    SAME_AS_HOST("plain text");
    const char *empty = "";
    SAME_AS_HOST(empty, 0);
    SAME_AS_HOST("100%% sure, %d%%", 5);
    SAME_AS_HOST("[%*d] [%-*d] [%.*d] [%*.*x]", 6, 42, 6, 42, 4, 7, 8, 3, 0xab);
    SAME_AS_HOST("[%*d]", -7, 13);               /* negative width means '-' */
    SAME_AS_HOST("[%.*d] [%.*s]", -3, 9, -1, "abc"); /* negative precision means none */
    SAME_AS_HOST("%s=%d (%c) %x", "key", -3, 'q', 0xbeefu);
    SAME_AS_HOST("%i|%5i|%-5i|%05i", 1, 2, 3, 4);
    SAME_AS_HOST("%llu %lld %lx", 18446744073709551615ULL, -9223372036854775807LL - 1,
                 0xffffffffffffffffUL);
    SAME_AS_HOST("%hhu %hd %zu %td %jd", 257, 65537, (size_t)12, (ptrdiff_t)-3, (intmax_t)9);
    SAME_AS_HOST("%#o %#x %#X %#.0o %#.0x", 0, 0, 255, 0, 0);
    SAME_AS_HOST("%.0d|%5.0d|%-5.0d|%+.0d", 0, 0, 0, 0);
}

/* Truncation: every buffer size from 0 to past the full length, return value always the full. */
HOST_TEST(truncation_and_return_value_match_host_for_every_size)
{
    const char *fmt = "%s:%08x:%-6d|%c";
    for (size_t size = 0; size < 40; size++) {
        char host[40], ours[40];
        memset(host, 'H', sizeof host);
        memset(ours, 'H', sizeof ours);
        int rh = snprintf(size ? host : NULL, size, fmt, "trunc", 0xabcu, -12, 'z');
        int ro = kformat_snprintf(size ? ours : NULL, size, fmt, "trunc", 0xabcu, -12, 'z');
        CHECK_EQ(ro, rh);
        CHECK(memcmp(host, ours, sizeof host) == 0); /* also: nothing written past size */
    }
}

HOST_TEST(pointer_is_0x_and_16_hex_digits)
{
    char buf[64];
    CHECK_EQ(kformat_snprintf(buf, sizeof buf, "%p", (void *)0x1234), 18);
    CHECK(strcmp(buf, "0x0000000000001234") == 0);
    kformat_snprintf(buf, sizeof buf, "%p", (void *)0);
    CHECK(strcmp(buf, "0x0000000000000000") == 0);
    kformat_snprintf(buf, sizeof buf, "%p", (void *)0xffff800000000000ULL);
    CHECK(strcmp(buf, "0xffff800000000000") == 0);
    kformat_snprintf(buf, sizeof buf, "[%20p]", (void *)0xab);
    CHECK(strcmp(buf, "[  0x00000000000000ab]") == 0);
    kformat_snprintf(buf, sizeof buf, "[%-20p]", (void *)0xab);
    CHECK(strcmp(buf, "[0x00000000000000ab  ]") == 0);
}

HOST_TEST(null_string_prints_null_marker)
{
    char buf[64];
    const char *volatile nothing = NULL; /* volatile: keep gcc from warning about the NULL */
    CHECK_EQ(kformat_snprintf(buf, sizeof buf, "<%s>", nothing), 8);
    CHECK(strcmp(buf, "<(null)>") == 0);
    kformat_snprintf(buf, sizeof buf, "<%8s|%-7s>", nothing, nothing);
    CHECK(strcmp(buf, "<  (null)|(null) >") == 0);
}

HOST_TEST(precision_bounds_string_reads)
{
    /* Not NUL-terminated: ASan fails the test if more than 3 bytes are read. */
    char *raw = malloc(3);
    memcpy(raw, "abc", 3);
    char buf[16];
    CHECK_EQ(kformat_snprintf(buf, sizeof buf, "%.3s", raw), 3);
    CHECK(strcmp(buf, "abc") == 0);
    free(raw);
}

HOST_TEST(unknown_conversion_and_trailing_percent_are_printed_as_written)
{
    char buf[64];
    kformat_snprintf(buf, sizeof buf, "a%yb %d", 5);
    CHECK(strcmp(buf, "a%yb 5") == 0);
    kformat_snprintf(buf, sizeof buf, "%-5.2q|%d", 6);
    CHECK(strcmp(buf, "%-5.2q|6") == 0);
    kformat_snprintf(buf, sizeof buf, "end%");
    CHECK(strcmp(buf, "end%") == 0);
    kformat_snprintf(buf, sizeof buf, "n%n", (int *)NULL); /* %n is refused, never written */
    CHECK(strcmp(buf, "n%n") == 0);
}

HOST_TEST(huge_width_saturates_without_overflow)
{
    char buf[8];
    /* Width above INT_MAX saturates; output is truncated to the buffer, and the length needed
       does not fit an int, so -1 is returned as C's EOVERFLOW case would. */
    int r = kformat_snprintf(buf, sizeof buf, "%99999999999999999999d%d", 1, 2);
    CHECK_EQ(r, -1);
    CHECK(strcmp(buf, "       ") == 0);
}

typedef struct {
    int calls;
    size_t bytes;
    char text[128];
} sink_log_t;

static void sink_record(void *ctx, const char *s, size_t n)
{
    sink_log_t *log = ctx;
    log->calls++;
    memcpy(log->text + log->bytes, s, n);
    log->bytes += n;
}

static size_t format_into(sink_log_t *log, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = format_v(sink_record, log, fmt, ap);
    va_end(ap);
    return n;
}

HOST_TEST(format_v_sends_runs_not_single_bytes)
{
    sink_log_t log = { 0 };
    size_t n = format_into(&log, "boot: %s took %d ms\n", "pmm", 12);
    CHECK_EQ(n, 21);
    CHECK_EQ(log.bytes, 21);
    CHECK(memcmp(log.text, "boot: pmm took 12 ms\n", 21) == 0);
    CHECK(log.calls <= 5);
}
