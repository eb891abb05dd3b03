/*
 * test_hidkbd.c - USB boot keyboard reports through the PS/2 translation
 * (kernel/usb/hidkbd.c + kernel/console/ps2keymap.c): letters, Shift and Ctrl from the
 * modifier byte, Enter/Backspace, arrows as escape sequences, several keys in one report,
 * releases, Caps Lock, key repeat timing, and malformed reports (short, ErrorRollOver, junk
 * usages, random bytes) never writing past the output.
 */
#include "host_test.h"

#include <stdlib.h>
#include <string.h>

#include "kernel/console/ps2keymap.c"
#include "kernel/usb/hidkbd.c"

static hidkbd_t k;
static char text[512];
static size_t text_len;

static void rep(uint64_t t, uint8_t mods, uint8_t a, uint8_t b)
{
    uint8_t r[8] = { mods, 0, a, b, 0, 0, 0, 0 };
    char out[HIDKBD_OUT_MAX];
    size_t n = hidkbd_report(&k, r, sizeof r, t, out);
    memcpy(text + text_len, out, n);
    text_len += n;
    text[text_len] = '\0';
}

static void reset(void)
{
    memset(&k, 0, sizeof k);
    text_len = 0;
    text[0] = '\0';
}

HOST_TEST(letters_shift_enter_backspace)
{
    reset();
    rep(0, 0, 0x0B, 0);        /* h */
    rep(1, 0, 0, 0);
    rep(2, 0x02, 0x0C, 0);     /* left Shift (bit 1) + i */
    rep(3, 0, 0, 0);
    rep(4, 0, 0x2A, 0);        /* Backspace */
    rep(5, 0, 0x28, 0);        /* Enter */
    CHECK(strcmp(text, "hI\x7f\r") == 0);
}

HOST_TEST(ctrl_c_and_arrows)
{
    reset();
    rep(0, 0x01, 0x06, 0);     /* LCtrl + c */
    rep(1, 0, 0, 0);
    rep(2, 0x10, 0x06, 0);     /* RCtrl + c */
    rep(3, 0, 0x52, 0);        /* Up */
    rep(4, 0, 0x50, 0x4F);     /* Left and Right pressed together */
    CHECK(strcmp(text, "\x03\x03\x1b[A\x1b[D\x1b[C") == 0);
}

HOST_TEST(held_key_is_not_typed_twice_and_caps_lock)
{
    reset();
    rep(0, 0, 0x04, 0);        /* a */
    rep(1, 0, 0x04, 0x05);     /* a still held, b added */
    rep(2, 0, 0, 0);
    rep(3, 0, 0x39, 0);        /* Caps Lock */
    rep(4, 0, 0, 0);
    rep(5, 0, 0x04, 0);
    CHECK(strcmp(text, "abA") == 0);
}

HOST_TEST(repeat_after_delay_then_every_period)
{
    char out[HIDKBD_OUT_MAX];
    reset();
    rep(0, 0, 0x1E, 0);        /* 1 */
    CHECK_EQ(hidkbd_repeat(&k, HIDKBD_REPEAT_DELAY_NS - 1, out), 0);
    CHECK_EQ(hidkbd_repeat(&k, HIDKBD_REPEAT_DELAY_NS, out), 1);
    CHECK_EQ(out[0], '1');
    CHECK_EQ(hidkbd_repeat(&k, HIDKBD_REPEAT_DELAY_NS + 1, out), 0);
    CHECK_EQ(hidkbd_repeat(&k, HIDKBD_REPEAT_DELAY_NS + HIDKBD_REPEAT_NS, out), 1);
    /* a long stall gives one repeat, not a burst */
    CHECK_EQ(hidkbd_repeat(&k, 10 * HIDKBD_REPEAT_DELAY_NS, out), 1);
    CHECK_EQ(hidkbd_repeat(&k, 10 * HIDKBD_REPEAT_DELAY_NS + 1, out), 0);
    rep(20 * HIDKBD_REPEAT_DELAY_NS, 0, 0, 0);
    CHECK_EQ(hidkbd_repeat(&k, 40 * HIDKBD_REPEAT_DELAY_NS, out), 0);
}

HOST_TEST(malformed_reports_are_ignored)
{
    char out[HIDKBD_OUT_MAX];
    reset();
    uint8_t two[2] = { 0x02, 0 };
    CHECK_EQ(hidkbd_report(&k, two, 2, 0, out), 0);
    uint8_t rollover[8] = { 0, 0, 1, 1, 1, 1, 1, 1 };
    CHECK_EQ(hidkbd_report(&k, rollover, 8, 0, out), 0);
    uint8_t junk[8] = { 0, 0, 0xE0, 0xFF, 0x90, 0x66, 0, 0 }; /* no keys we know */
    CHECK_EQ(hidkbd_report(&k, junk, 8, 0, out), 0);
    uint8_t longer[64] = { 0, 0, 0x04 };
    CHECK_EQ(hidkbd_report(&k, longer, sizeof longer, 0, out), 1);
    CHECK_EQ(out[0], 'a');
}

HOST_TEST(random_reports_stay_in_bounds)
{
    char out[HIDKBD_OUT_MAX];
    reset();
    srand(3);
    for (int i = 0; i < 200000; i++) {
        uint8_t r[8];
        for (int j = 0; j < 8; j++)
            r[j] = (uint8_t)rand();
        size_t n = hidkbd_report(&k, r, (size_t)(rand() % 9), (uint64_t)i * 1000000, out);
        CHECK(n <= HIDKBD_OUT_MAX);
        CHECK(hidkbd_repeat(&k, (uint64_t)i * 1000000 + 500, out) <= HIDKBD_OUT_MAX);
    }
}
