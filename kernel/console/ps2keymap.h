/*
 * ps2keymap.h - PS/2 scancode set 1 (what an i8042 with translation on delivers) to the
 * bytes a terminal would send, US layout: printable ASCII with Shift and Caps Lock, Ctrl+key
 * as control codes, Enter as CR, Backspace as DEL, and the editing keys as VT100/xterm
 * escape sequences (arrows ESC [A..D, Home ESC [H, End ESC [F, Insert/Delete/PgUp/PgDn
 * ESC [2~ [3~ [5~ [6~). Pure state machine, no hardware: host-tested.
 */
#ifndef KERNEL_CONSOLE_PS2KEYMAP_H
#define KERNEL_CONSOLE_PS2KEYMAP_H

#include <stddef.h>
#include <stdint.h>

#define PS2KEY_OUT_MAX 4 /* most bytes one scancode byte can produce */

typedef struct {
    uint8_t shift;     /* bit 0 left, bit 1 right */
    uint8_t ctrl;      /* bit 0 left, bit 1 right */
    uint8_t alt;
    uint8_t caps;      /* Caps Lock toggled on */
    uint8_t extended;  /* the previous byte was the 0xE0 prefix */
    uint8_t skip;      /* bytes of a Pause sequence (0xE1 ...) still to ignore */
} ps2key_state_t;

/* Feeds one byte from the keyboard; stores the bytes it stands for in out (up to
 * PS2KEY_OUT_MAX) and returns how many (0 for releases, modifiers, prefixes, unknown keys). */
size_t ps2key_feed(ps2key_state_t *s, uint8_t code, char out[PS2KEY_OUT_MAX]);

#endif
