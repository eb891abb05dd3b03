/*
 * hidkbd.c - boot reports to scancode set 1 to bytes (see hidkbd.h). The table maps HID
 * usages (page 7) to set 1 make codes; 0xE0xx marks an extended key (0xE0 prefix). Usages
 * the PS/2 map has no key for are 0 and ignored.
 */
#include "kernel/usb/hidkbd.h"

#define EXT(c)          (0xE000u | (c))
#define USAGE_ROLLOVER  0x01 /* ErrorRollOver: too many keys, the report says nothing */
#define USAGE_MAX       0x65
#define SC_BREAK        0x80

static const uint16_t usage_to_set1[USAGE_MAX] = {
    [0x04] = 0x1E, 0x30, 0x2E, 0x20, 0x12, 0x21, 0x22, 0x23, 0x17, 0x24, 0x25, 0x26, /* a-l */
    0x32, 0x31, 0x18, 0x19, 0x10, 0x13, 0x1F, 0x14, 0x16, 0x2F, 0x11, 0x2D, 0x15, 0x2C,
    [0x1E] = 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B,        /* 1-0 */
    [0x28] = 0x1C, 0x01, 0x0E, 0x0F, 0x39, 0x0C, 0x0D, 0x1A, 0x1B, 0x2B, 0x2B, /* Enter.. */
    [0x33] = 0x27, 0x28, 0x29, 0x33, 0x34, 0x35, 0x3A,                         /* ;..Caps */
    [0x3A] = 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x40, 0x41, 0x42, 0x43, 0x44, 0x57, 0x58,
    [0x47] = 0x46,
    [0x49] = EXT(0x52), EXT(0x47), EXT(0x49), EXT(0x53), EXT(0x4F), EXT(0x51),
    [0x4F] = EXT(0x4D), EXT(0x4B), EXT(0x50), EXT(0x48),                        /* arrows */
    [0x53] = 0x45, EXT(0x35), 0x37, 0x4A, 0x4E, EXT(0x1C),                      /* keypad */
    [0x59] = 0x4F, 0x50, 0x51, 0x4B, 0x4C, 0x4D, 0x47, 0x48, 0x49, 0x52, 0x53,
    [0x64] = 0x56,
};

/* Modifier byte bits 0..7: LCtrl, LShift, LAlt, LGUI, RCtrl, RShift, RAlt, RGUI. */
static const uint16_t modifier_to_set1[8] = {
    0x1D, 0x2A, 0x38, EXT(0x5B), EXT(0x1D), 0x36, EXT(0x38), EXT(0x5C),
};

/* Feeds one key's make or break code through the PS/2 translation into out[*n]. */
static void hidkbd_key(hidkbd_t *k, uint16_t code, int release, char *out, size_t *n)
{
    char tmp[PS2KEY_OUT_MAX];
    if (!code || *n + PS2KEY_OUT_MAX > HIDKBD_OUT_MAX)
        return;
    if (code & 0xE000)
        (void)ps2key_feed(&k->keys, 0xE0, tmp);
    size_t got = ps2key_feed(&k->keys, (uint8_t)((code & 0x7F) | (release ? SC_BREAK : 0)), tmp);
    for (size_t i = 0; i < got; i++)
        out[(*n)++] = tmp[i];
}

static uint16_t hidkbd_code(uint8_t usage)
{
    return usage < USAGE_MAX ? usage_to_set1[usage] : 0;
}

static int report_has(const uint8_t *rep, size_t len, uint8_t usage)
{
    for (size_t i = 2; i < len; i++)
        if (rep[i] == usage)
            return 1;
    return 0;
}

size_t hidkbd_report(hidkbd_t *k, const uint8_t *rep, size_t len, uint64_t now_ns,
                     char out[HIDKBD_OUT_MAX])
{
    size_t n = 0;
    if (len < 3)
        return 0;
    if (len > HIDKBD_REPORT_LEN)
        len = HIDKBD_REPORT_LEN; /* a boot report has 6 key slots; more is not boot format */
    if (report_has(rep, len, USAGE_ROLLOVER))
        return 0;
    uint8_t cur[HIDKBD_REPORT_LEN] = { 0 };
    for (size_t i = 0; i < len; i++)
        cur[i] = rep[i];
    uint8_t changed = (uint8_t)(cur[0] ^ k->prev[0]);
    for (int b = 0; b < 8; b++)
        if (changed & (1u << b))
            hidkbd_key(k, modifier_to_set1[b], !(cur[0] & (1u << b)), out, &n);
    for (size_t i = 2; i < HIDKBD_REPORT_LEN; i++) {
        uint8_t u = k->prev[i];
        if (u > USAGE_ROLLOVER && !report_has(cur, HIDKBD_REPORT_LEN, u)) {
            hidkbd_key(k, hidkbd_code(u), 1, out, &n);
            if (u == k->repeat_usage)
                k->repeat_usage = 0;
        }
    }
    for (size_t i = 2; i < HIDKBD_REPORT_LEN; i++) {
        uint8_t u = cur[i];
        if (u > USAGE_ROLLOVER && !report_has(k->prev, HIDKBD_REPORT_LEN, u)) {
            hidkbd_key(k, hidkbd_code(u), 0, out, &n);
            k->repeat_usage = u;
            k->repeat_at = now_ns + HIDKBD_REPEAT_DELAY_NS;
        }
    }
    for (size_t i = 0; i < HIDKBD_REPORT_LEN; i++)
        k->prev[i] = cur[i];
    return n;
}

size_t hidkbd_repeat(hidkbd_t *k, uint64_t now_ns, char out[HIDKBD_OUT_MAX])
{
    size_t n = 0;
    if (!k->repeat_usage || now_ns < k->repeat_at)
        return 0;
    /* A keyboard's typematic repeat is the make code again, so the translation sees a press. */
    hidkbd_key(k, hidkbd_code(k->repeat_usage), 0, out, &n);
    k->repeat_at += HIDKBD_REPEAT_NS;
    if (k->repeat_at <= now_ns)
        k->repeat_at = now_ns + HIDKBD_REPEAT_NS; /* late (a busy system): no burst */
    return n;
}
