/*
 * test_ps2_keymap.c - PS/2 scancode set 1 translation (kernel/console/ps2keymap.c): letters
 * and digits with Shift, Caps Lock and Ctrl, releases and modifiers producing nothing, the
 * editing keys as escape sequences, prefixes and the Pause sequence, and that no input
 * byte at all can make it write past its output buffer.
 */
#include "host_test.h"

#include <string.h>

#include "kernel/console/ps2keymap.c"

static ps2key_state_t st;
static char text[256];
static size_t text_len;

/* Feeds the bytes; text collects everything they produced. */
static void feed(const uint8_t *codes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char out[PS2KEY_OUT_MAX];
        size_t k = ps2key_feed(&st, codes[i], out);
        if (k > PS2KEY_OUT_MAX)
            k = PS2KEY_OUT_MAX;
        memcpy(text + text_len, out, k);
        text_len += k;
    }
    text[text_len] = '\0';
}
#define FEED(...) feed((const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ }))

static void reset(void)
{
    memset(&st, 0, sizeof st);
    text_len = 0;
    text[0] = '\0';
}

HOST_TEST(letters_digits_and_releases)
{
    reset();
    FEED(0x23, 0xA3, 0x17, 0x97, 0x39, 0xB9, 0x02, 0x82, 0x0B, 0x8B); /* h i space 1 0 */
    CHECK(strcmp(text, "hi 10") == 0);
}

HOST_TEST(shift_gives_upper_case_and_symbols)
{
    reset();
    FEED(0x2A, 0x23, 0xA3, 0x02, 0x82, 0xAA, 0x23, 0xA3); /* LShift h 1, release, h */
    CHECK(strcmp(text, "H!h") == 0);
    reset();
    FEED(0x36, 0x28, 0x0C, 0xB6, 0x28); /* RShift ' - , release, ' */
    CHECK(strcmp(text, "\"_'") == 0);
}

HOST_TEST(both_shifts_tracked_separately)
{
    reset();
    FEED(0x2A, 0x36, 0xAA, 0x1E, 0xB6, 0x1E); /* both down, left up: still shifted */
    CHECK(strcmp(text, "Aa") == 0);
}

HOST_TEST(caps_lock_toggles_letters_only)
{
    reset();
    FEED(0x3A, 0xBA, 0x1E, 0x02, 0x2A, 0x1E, 0xAA, 0x3A, 0xBA, 0x1E);
    CHECK(strcmp(text, "A1aa") == 0);
}

HOST_TEST(ctrl_letters_are_control_codes)
{
    reset();
    FEED(0x1D, 0x2E, 0x20, 0x1E, 0x9D, 0x2E); /* Ctrl-C Ctrl-D Ctrl-A, release, c */
    CHECK_EQ(text_len, 4);
    CHECK(text[0] == 0x03 && text[1] == 0x04 && text[2] == 0x01 && text[3] == 'c');
    reset();
    FEED(0xE0, 0x1D, 0x16, 0xE0, 0x9D, 0x16); /* right Ctrl-U, release, u */
    CHECK(text_len == 2 && text[0] == 0x15 && text[1] == 'u');
}

HOST_TEST(enter_backspace_tab_escape)
{
    reset();
    FEED(0x1C, 0x0E, 0x0F, 0x01, 0xE0, 0x1C);
    CHECK(strcmp(text, "\r\x7f\t\x1b\r") == 0);
}

HOST_TEST(editing_keys_are_escape_sequences)
{
    reset();
    FEED(0xE0, 0x48, 0xE0, 0xC8, 0xE0, 0x50, 0xE0, 0x4D, 0xE0, 0x4B);
    CHECK(strcmp(text, "\x1b[A\x1b[B\x1b[C\x1b[D") == 0);
    reset();
    FEED(0xE0, 0x47, 0xE0, 0x4F, 0xE0, 0x53, 0xE0, 0x52, 0xE0, 0x49, 0xE0, 0x51);
    CHECK(strcmp(text, "\x1b[H\x1b[F\x1b[3~\x1b[2~\x1b[5~\x1b[6~") == 0);
}

HOST_TEST(fake_shift_around_extended_keys_is_ignored)
{
    reset();
    FEED(0xE0, 0x2A, 0xE0, 0x48, 0xE0, 0xC8, 0xE0, 0xAA, 0x1E);
    CHECK(strcmp(text, "\x1b[Aa") == 0);
}

HOST_TEST(keypad_gives_digits)
{
    reset();
    FEED(0x47, 0x48, 0x4F, 0x52, 0x53, 0x4E, 0x37, 0xE0, 0x35);
    CHECK(strcmp(text, "7810.+*/") == 0);
}

HOST_TEST(pause_sequence_is_skipped_whole)
{
    reset();
    FEED(0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5, 0x1E);
    CHECK(strcmp(text, "a") == 0);
}

HOST_TEST(unknown_codes_give_nothing)
{
    reset();
    FEED(0x00, 0x3B, 0x58, 0x59, 0x7F, 0xFF, 0xE0, 0x7F, 0xE0, 0x00);
    CHECK_EQ(text_len, 0);
}

HOST_TEST(every_byte_sequence_stays_in_bounds)
{
    reset();
    uint32_t x = 12345;
    for (int i = 0; i < 100000; i++) {
        x = x * 1103515245u + 12345u;
        char out[PS2KEY_OUT_MAX];
        size_t k = ps2key_feed(&st, (uint8_t)(x >> 16), out);
        CHECK(k <= PS2KEY_OUT_MAX);
    }
}
