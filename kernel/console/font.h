/*
 * font.h - the console's 8x16 bitmap font, generated at build time by tools/gen-font.sh from a
 * PSF font (build/font.c). One byte per row, most significant bit leftmost.
 */
#ifndef KERNEL_CONSOLE_FONT_H
#define KERNEL_CONSOLE_FONT_H

#include <stdint.h>

#define FONT_WIDTH    8
#define FONT_HEIGHT   16
#define FONT_FIRST    32  /* ' ' */
#define FONT_LAST     126 /* '~' */
#define FONT_FALLBACK (FONT_LAST - FONT_FIRST + 1) /* index of the glyph for anything else */
#define FONT_GLYPHS   (FONT_FALLBACK + 1)

extern const uint8_t font_glyphs[FONT_GLYPHS][FONT_HEIGHT];

/* Glyph index for a byte: printable ASCII maps to itself, everything else to the fallback. */
static inline unsigned font_index(unsigned char c)
{
    return c >= FONT_FIRST && c <= FONT_LAST ? (unsigned)(c - FONT_FIRST) : FONT_FALLBACK;
}

#endif
