/*
 * test_trace_fmt.c - the tracer's line builder (quoting, cutting, flags, durations, bounds)
 * and its per-CPU ring (whole lines or none, the lost-lines marker, wrap-around).
 */
#include <string.h>
#include "host_test.h"
#include "kernel/trace/trace_fmt.c"
#include "kernel/trace/trace_ring.c"

static const syscall_flag_name_t open_names[] = {
    { "O_RDONLY", 0x0, 0x3 }, { "O_WRONLY", 0x1, 0x3 }, { "O_RDWR", 0x2, 0x3 },
    { "O_CREAT", 0x40, 0x40 }, { NULL, 0, 0 },
};
static const syscall_flag_name_t wait_names[] = { { "WNOHANG", 0x1, 0x1 }, { NULL, 0, 0 } };

static char out[256];
static trace_buf_t b;

static void fresh(size_t cap)
{
    memset(out, 'Z', sizeof out);
    tb_init(&b, out, cap);
}

HOST_TEST(quoted_escapes_controls_quotes_and_backslash)
{
    fresh(sizeof out);
    tb_quoted(&b, "a\"b\\c\n\t\x01", 8, false);
    CHECK(strcmp(out, "\"a\\\"b\\\\c\\n\\t\\x01\"") == 0);
}

HOST_TEST(quoted_cut_adds_dots_after_quote)
{
    fresh(sizeof out);
    tb_quoted(&b, "hello", 3, true);
    CHECK(strcmp(out, "\"hel\"...") == 0);
}

HOST_TEST(flags_fields_and_bits_by_name)
{
    fresh(sizeof out);
    tb_flags(&b, open_names, 0x41);
    CHECK(strcmp(out, "O_WRONLY|O_CREAT") == 0);
    fresh(sizeof out);
    tb_flags(&b, open_names, 0);
    CHECK(strcmp(out, "O_RDONLY") == 0);
}

HOST_TEST(flags_unknown_bits_as_hex_and_zero_as_0)
{
    fresh(sizeof out);
    tb_flags(&b, wait_names, 0x11);
    CHECK(strcmp(out, "WNOHANG|0x10") == 0);
    fresh(sizeof out);
    tb_flags(&b, wait_names, 0);
    CHECK(strcmp(out, "0") == 0);
    fresh(sizeof out);
    tb_flags(&b, wait_names, 0x8);
    CHECK(strcmp(out, "0x8") == 0);
}

HOST_TEST(numbers_signed_unsigned_hex_pointer)
{
    fresh(sizeof out);
    tb_dec(&b, INT64_MIN);
    tb_putc(&b, ' ');
    tb_udec(&b, UINT64_MAX);
    tb_putc(&b, ' ');
    tb_hex(&b, 0);
    tb_putc(&b, ' ');
    tb_pointer(&b, 0);
    tb_putc(&b, ' ');
    tb_pointer(&b, 0x7ffff000);
    CHECK(strcmp(out, "-9223372036854775808 18446744073709551615 0x0 NULL 0x7ffff000") == 0);
}

HOST_TEST(durations_pick_a_unit)
{
    fresh(sizeof out);
    tb_duration(&b, 4200);
    tb_duration(&b, 1234567);
    tb_duration(&b, 2500000000ULL);
    CHECK(strcmp(out, "<4.2us><1.234ms><2.500000s>") == 0);
}

HOST_TEST(seconds_have_six_decimals)
{
    fresh(sizeof out);
    tb_seconds(&b, 12345678901ULL);
    CHECK(strcmp(out, "12.345678") == 0);
}

HOST_TEST(errno_names_and_unknown_codes)
{
    fresh(sizeof out);
    tb_errno(&b, 2);
    tb_putc(&b, ' ');
    tb_errno(&b, 999);
    CHECK(strcmp(out, "ENOENT E999") == 0);
}

HOST_TEST(builder_never_overruns_and_stays_terminated)
{
    fresh(8);
    tb_puts(&b, "0123456789");
    CHECK(b.full);
    CHECK_EQ(b.len, 7);
    CHECK(strcmp(out, "0123456") == 0);
    CHECK(out[8] == 'Z');
    tb_putc(&b, 'x'); /* dropped once full */
    CHECK_EQ(b.len, 7);
}

static trace_ring_t ring;

/* Everything readable, concatenated into dst. */
static size_t drain(char *dst, size_t cap)
{
    size_t got = 0, n;
    const char *p;
    while ((n = trace_ring_peek(&ring, &p)) != 0) {
        if (got + n > cap)
            break;
        memcpy(dst + got, p, n);
        got += n;
        trace_ring_consume(&ring, n);
    }
    return got;
}

HOST_TEST(ring_keeps_lines_whole_and_in_order)
{
    memset(&ring, 0, sizeof ring);
    CHECK(trace_ring_put(&ring, "one ", 4, "a\n", 2));
    CHECK(trace_ring_put(&ring, "two\n", 4, "", 0));
    char got[64];
    size_t n = drain(got, sizeof got);
    CHECK_EQ(n, 10);
    CHECK(memcmp(got, "one a\ntwo\n", 10) == 0);
}

HOST_TEST(ring_drops_whole_lines_and_reports_them)
{
    static char big[TRACE_RING_SIZE];
    static char got[TRACE_RING_SIZE + 64];
    memset(&ring, 0, sizeof ring);
    memset(big, 'x', sizeof big);
    CHECK(trace_ring_put(&ring, big, TRACE_RING_SIZE - 10, "\n", 1));
    CHECK(!trace_ring_put(&ring, "0123456789\n", 11, "", 0)); /* 9 free: dropped */
    CHECK(!trace_ring_put(&ring, "abcdefghij\n", 11, "", 0));
    CHECK_EQ(ring.lost, 2);
    size_t n = drain(got, sizeof got);
    CHECK_EQ(n, TRACE_RING_SIZE - 9);
    CHECK(trace_ring_put(&ring, "next\n", 5, "", 0)); /* wraps around the end */
    n = drain(got, sizeof got);
    got[n] = '\0';
    CHECK(strcmp(got, "... 2 lines lost\nnext\n") == 0);
    CHECK_EQ(ring.lost, 0);
}
