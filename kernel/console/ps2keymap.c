/*
 * ps2keymap.c - scancode set 1 translation (see ps2keymap.h). Make codes are 0x01..0x58,
 * a release is the make code | 0x80; 0xE0 prefixes the extended keys (arrows, right
 * Ctrl/Alt, the editing block) and 0xE1 starts the 6-byte Pause sequence, which has no
 * release and is skipped whole. Keypad keys give their digits (as with Num Lock on).
 */
#include "kernel/console/ps2keymap.h"

#define SC_RELEASE  0x80
#define SC_EXTENDED 0xE0
#define SC_PAUSE    0xE1
#define SC_LCTRL    0x1D
#define SC_LSHIFT   0x2A
#define SC_RSHIFT   0x36
#define SC_LALT     0x38
#define SC_CAPS     0x3A
#define SC_MAX      0x59
#define PAUSE_TAIL  5

/* Unshifted and shifted characters by make code; 0 = no character. */
static const char keymap_plain[SC_MAX] = {
    [0x01] = 0x1b, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', 0x7f, '\t',
    'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\r', 0,
    'a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0, '\\',
    'z', 'x', 'c', 'v', 'b', 'n', 'm', ',', '.', '/', 0, '*', 0, ' ',
    [0x47] = '7', '8', '9', '-', '4', '5', '6', '+', '1', '2', '3', '0', '.',
};

static const char keymap_shift[SC_MAX] = {
    [0x01] = 0x1b, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', 0x7f, '\t',
    'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\r', 0,
    'A', 'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0, '|',
    'Z', 'X', 'C', 'V', 'B', 'N', 'M', '<', '>', '?', 0, '*', 0, ' ',
    [0x47] = '7', '8', '9', '-', '4', '5', '6', '+', '1', '2', '3', '0', '.',
};

static size_t put_seq(char out[PS2KEY_OUT_MAX], const char *seq)
{
    size_t n = 0;
    while (seq[n] && n < PS2KEY_OUT_MAX) {
        out[n] = seq[n];
        n++;
    }
    return n;
}

/* Extended make codes: the editing keys and the keypad's Enter and '/'. */
static size_t extended_key(uint8_t code, char out[PS2KEY_OUT_MAX])
{
    switch (code) {
    case 0x48: return put_seq(out, "\x1b[A");
    case 0x50: return put_seq(out, "\x1b[B");
    case 0x4D: return put_seq(out, "\x1b[C");
    case 0x4B: return put_seq(out, "\x1b[D");
    case 0x47: return put_seq(out, "\x1b[H");
    case 0x4F: return put_seq(out, "\x1b[F");
    case 0x52: return put_seq(out, "\x1b[2~");
    case 0x53: return put_seq(out, "\x1b[3~");
    case 0x49: return put_seq(out, "\x1b[5~");
    case 0x51: return put_seq(out, "\x1b[6~");
    case 0x1C: return put_seq(out, "\r");
    case 0x35: return put_seq(out, "/");
    default: return 0;
    }
}

/* Modifier keys update the state; returns 1 when code was one. */
static int modifier(ps2key_state_t *s, uint8_t code, int released, int extended)
{
    uint8_t bit = extended ? 2 : 1;
    switch (code) {
    case SC_LSHIFT:
    case SC_RSHIFT:
        if (extended)
            return 1; /* fake shifts around extended keys: ignored */
        bit = code == SC_LSHIFT ? 1 : 2;
        s->shift = released ? (uint8_t)(s->shift & ~bit) : (uint8_t)(s->shift | bit);
        return 1;
    case SC_LCTRL:
        s->ctrl = released ? (uint8_t)(s->ctrl & ~bit) : (uint8_t)(s->ctrl | bit);
        return 1;
    case SC_LALT:
        s->alt = released ? (uint8_t)(s->alt & ~bit) : (uint8_t)(s->alt | bit);
        return 1;
    case SC_CAPS:
        if (!released && !extended)
            s->caps ^= 1;
        return 1;
    default:
        return 0;
    }
}

static size_t plain_key(const ps2key_state_t *s, uint8_t code, char out[PS2KEY_OUT_MAX])
{
    if (code >= SC_MAX)
        return 0;
    char c = s->shift ? keymap_shift[code] : keymap_plain[code];
    if (!c)
        return 0;
    if (s->caps && c >= 'a' && c <= 'z')
        c = (char)(c - 'a' + 'A');
    else if (s->caps && c >= 'A' && c <= 'Z')
        c = (char)(c - 'A' + 'a');
    if (s->ctrl) {
        char base = keymap_plain[code];
        if (base >= 'a' && base <= 'z')
            c = (char)(base & 0x1f);
        else if (base == '[' || base == '\\' || base == ']')
            c = (char)(base & 0x1f);
        else if (base == ' ' || base == '2')
            c = 0; /* Ctrl-Space / Ctrl-@ would be NUL: dropped */
        if (!c)
            return 0;
    }
    out[0] = c;
    return 1;
}

size_t ps2key_feed(ps2key_state_t *s, uint8_t code, char out[PS2KEY_OUT_MAX])
{
    if (s->skip) {
        s->skip--;
        return 0;
    }
    if (code == SC_PAUSE) {
        s->skip = PAUSE_TAIL;
        return 0;
    }
    if (code == SC_EXTENDED) {
        s->extended = 1;
        return 0;
    }
    int extended = s->extended;
    s->extended = 0;
    int released = (code & SC_RELEASE) != 0;
    uint8_t make = code & (uint8_t)~SC_RELEASE;
    if (modifier(s, make, released, extended) || released)
        return 0;
    return extended ? extended_key(make, out) : plain_key(s, make, out);
}
