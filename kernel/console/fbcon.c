/*
 * fbcon.c - text console on the UEFI framebuffer (32 bpp, reached through the direct map),
 * with the 8x16 font generated from a PSF file at build time (font.h).
 *
 * Design: text lives in a shadow cell buffer organised as a ring of rows, so scrolling the
 * text is O(1) (advance `top`, blank the recycled row). Writes only change cells and mark a
 * dirty column span in the row they touch; pixels are produced once per fbcon_write, in
 * fbcon_flush: first all scrolls of that write are applied together as ONE memmove of the
 * pixel rows (or, past a full screen, nothing moves and every row is redrawn), then only the
 * dirty spans are rendered. So a kprintf chunk with many lines costs one memmove plus the
 * glyphs it actually wrote, never a full redraw per line. The memmove reads VRAM: cheap in
 * QEMU; on hardware with uncached VRAM a RAM shadow of the pixels would be the next step.
 *
 * Invariants: 0 <= cur_row < rows, 0 <= cur_col <= cols (== cols means "wrap before the next
 * glyph", so a line exactly cols wide followed by '\n' does not leave an empty line);
 * rows <= FBCON_MAX_ROWS, cols <= FBCON_MAX_COLS; every pixel written lies inside
 * width x height of a framebuffer whose pitch, size and masks were checked in fbcon_init.
 * Callers serialise (console lock); nothing here allocates.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/console/console.h"
#include "kernel/console/font.h"
#include "kernel/kprintf.h"
#include "kernel/lib/string.h"
#include "mm/hhdm.h"

#define FBCON_MAX_COLS 480 /* 3840 px */
#define FBCON_MAX_ROWS 160 /* 2560 px */
#define FBCON_TAB      8

typedef struct {
    uint16_t lo, hi; /* columns [lo, hi) need drawing; lo == hi: clean */
} fbcon_span_t;

typedef struct {
    bool present;
    volatile uint32_t *pixels;
    uint32_t width, height, pitch; /* pitch in pixels */
    uint32_t cols, rows;
    uint32_t fg, bg;
    uint32_t cur_col, cur_row;
    uint32_t top;        /* ring slot holding screen row 0 */
    uint32_t scrolls;    /* scrolls since the last flush, not yet applied to pixels */
    char cells[FBCON_MAX_ROWS][FBCON_MAX_COLS];
    fbcon_span_t dirty[FBCON_MAX_ROWS]; /* by ring slot */
} fbcon_t;

static fbcon_t fbcon;

/* ---------------------------------------------------------------- checks and colours */

/* Scales an 8-bit channel into a contiguous mask; false for an empty or gappy mask. */
static bool mask_place(uint32_t mask, uint8_t value, uint32_t *out)
{
    if (mask == 0)
        return false;
    unsigned shift = (unsigned)__builtin_ctz(mask);
    uint64_t field = (uint64_t)mask >> shift;
    if (field & (field + 1))
        return false; /* holes in the mask */
    *out |= (uint32_t)(((uint64_t)value * field / 255) << shift);
    return true;
}

static bool fbcon_pixel(const boot_framebuffer_t *fb, uint8_t r, uint8_t g, uint8_t b,
                        uint32_t *px)
{
    *px = 0;
    switch (fb->format) {
    case BOOT_FB_RGBX: *px = r | (uint32_t)g << 8 | (uint32_t)b << 16; return true;
    case BOOT_FB_BGRX: *px = b | (uint32_t)g << 8 | (uint32_t)r << 16; return true;
    case BOOT_FB_BITMASK:
        if ((fb->red_mask & fb->green_mask) || (fb->red_mask & fb->blue_mask) ||
            (fb->green_mask & fb->blue_mask))
            return false;
        return mask_place(fb->red_mask, r, px) && mask_place(fb->green_mask, g, px) &&
               mask_place(fb->blue_mask, b, px);
    default: return false;
    }
}

/* Returns NULL when the framebuffer can be used, else why not. */
static const char *fbcon_check(const boot_framebuffer_t *fb)
{
    if (fb->format == BOOT_FB_NONE)
        return "no framebuffer from the loader";
    if (fb->format > BOOT_FB_BITMASK)
        return "unknown pixel format";
    if (fb->width == 0 || fb->height == 0)
        return "zero width or height";
    if (fb->pitch < fb->width)
        return "pitch smaller than width";
    if ((uint64_t)fb->pitch * fb->height > fb->size / 4)
        return "size smaller than pitch * height * 4";
    if (fb->phys_base == 0 || (fb->phys_base & 3) || fb->phys_base + fb->size < fb->phys_base)
        return "bad base address";
    if (fb->width < FONT_WIDTH || fb->height < FONT_HEIGHT)
        return "too small for one character";
    uint32_t px;
    if (!fbcon_pixel(fb, 0, 0, 0, &px))
        return "bad colour masks";
    return NULL;
}

/* ---------------------------------------------------------------- pixels */

static void fbcon_draw_glyph(uint32_t col, uint32_t row, char c)
{
    const uint8_t *glyph = font_glyphs[font_index((unsigned char)c)];
    volatile uint32_t *line = fbcon.pixels + (size_t)row * FONT_HEIGHT * fbcon.pitch +
                              (size_t)col * FONT_WIDTH;
    for (int y = 0; y < FONT_HEIGHT; y++, line += fbcon.pitch) {
        uint8_t bits = glyph[y];
        for (int x = 0; x < FONT_WIDTH; x++)
            line[x] = (bits & (0x80 >> x)) ? fbcon.fg : fbcon.bg;
    }
}

/* Two pixels per store: under emulation the number of stores is what costs (a 1280x800
 * screen is 4 MB), and every row starts 8-byte aligned when the pitch is even. */
static void fbcon_clear_pixels(void)
{
    uint64_t two = ((uint64_t)fbcon.bg << 32) | fbcon.bg;
    for (uint32_t y = 0; y < fbcon.height; y++) {
        volatile uint32_t *line = fbcon.pixels + (size_t)y * fbcon.pitch;
        uint32_t x = 0;
        if (((uint64_t)line & 7) == 0)
            for (volatile uint64_t *pair = (volatile uint64_t *)line; x + 1 < fbcon.width; x += 2)
                pair[x / 2] = two;
        for (; x < fbcon.width; x++)
            line[x] = fbcon.bg;
    }
}

/* Moves the pixels of screen rows [k, rows) up to [0, rows - k): one memmove. */
static void fbcon_scroll_pixels(uint32_t k)
{
    size_t row_bytes = (size_t)FONT_HEIGHT * fbcon.pitch * sizeof(uint32_t);
    uint32_t *base = (uint32_t *)fbcon.pixels;
    memmove(base, (char *)base + k * row_bytes, (fbcon.rows - k) * row_bytes);
}

static uint32_t fbcon_slot(uint32_t screen_row)
{
    return (fbcon.top + screen_row) % fbcon.rows;
}

static void fbcon_flush(void)
{
    if (fbcon.scrolls > 0 && fbcon.scrolls < fbcon.rows)
        fbcon_scroll_pixels(fbcon.scrolls);
    fbcon.scrolls = 0; /* past a full screen every slot was blanked, so all are dirty */
    for (uint32_t r = 0; r < fbcon.rows; r++) {
        fbcon_span_t *d = &fbcon.dirty[fbcon_slot(r)];
        const char *cells = fbcon.cells[fbcon_slot(r)];
        for (uint32_t c = d->lo; c < d->hi; c++)
            fbcon_draw_glyph(c, r, cells[c]);
        d->lo = d->hi = 0;
    }
}

/* ---------------------------------------------------------------- text */

static void fbcon_mark(uint32_t slot, uint32_t lo, uint32_t hi)
{
    fbcon_span_t *d = &fbcon.dirty[slot];
    if (d->lo == d->hi) {
        d->lo = (uint16_t)lo;
        d->hi = (uint16_t)hi;
        return;
    }
    if (lo < d->lo)
        d->lo = (uint16_t)lo;
    if (hi > d->hi)
        d->hi = (uint16_t)hi;
}

static void fbcon_blank_slot(uint32_t slot)
{
    memset(fbcon.cells[slot], ' ', fbcon.cols);
    fbcon_mark(slot, 0, fbcon.cols);
}

static void fbcon_newline(void)
{
    fbcon.cur_col = 0;
    if (fbcon.cur_row + 1 < fbcon.rows) {
        fbcon.cur_row++;
        return;
    }
    uint32_t recycled = fbcon.top;
    fbcon.top = (fbcon.top + 1) % fbcon.rows;
    if (fbcon.scrolls < fbcon.rows)
        fbcon.scrolls++;
    fbcon_blank_slot(recycled);
}

static void fbcon_put_glyph(char c)
{
    if (fbcon.cur_col >= fbcon.cols)
        fbcon_newline();
    uint32_t slot = fbcon_slot(fbcon.cur_row);
    fbcon.cells[slot][fbcon.cur_col] = c;
    fbcon_mark(slot, fbcon.cur_col, fbcon.cur_col + 1);
    fbcon.cur_col++;
}

static void fbcon_put(char c)
{
    switch (c) {
    case '\n': fbcon_newline(); break;
    case '\r': fbcon.cur_col = 0; break;
    case '\b':
        if (fbcon.cur_col > 0)
            fbcon.cur_col--;
        break;
    case '\t':
        do
            fbcon_put_glyph(' ');
        while (fbcon.cur_col % FBCON_TAB != 0 && fbcon.cur_col < fbcon.cols);
        break;
    default: fbcon_put_glyph(c); break;
    }
}

/* An underline cursor, drawn after the flush; the cell is marked dirty before the next write. */
static void fbcon_draw_cursor(void)
{
    uint32_t col = fbcon.cur_col < fbcon.cols ? fbcon.cur_col : fbcon.cols - 1;
    volatile uint32_t *line = fbcon.pixels +
        ((size_t)fbcon.cur_row * FONT_HEIGHT + FONT_HEIGHT - 2) * fbcon.pitch +
        (size_t)col * FONT_WIDTH;
    for (int x = 0; x < FONT_WIDTH; x++)
        line[x] = fbcon.fg;
}

static void fbcon_hide_cursor(void)
{
    uint32_t col = fbcon.cur_col < fbcon.cols ? fbcon.cur_col : fbcon.cols - 1;
    fbcon_mark(fbcon_slot(fbcon.cur_row), col, col + 1);
}

/* ---------------------------------------------------------------- interface */

void fbcon_write(const char *s, size_t n)
{
    if (!fbcon.present)
        return;
    fbcon_hide_cursor();
    for (size_t i = 0; i < n; i++)
        fbcon_put(s[i]);
    fbcon_flush();
    fbcon_draw_cursor();
}

bool fbcon_present(void)
{
    return fbcon.present;
}

void fbcon_init(const boot_framebuffer_t *fb)
{
    fbcon.present = false;
    const char *why = fb ? fbcon_check(fb) : "no framebuffer from the loader";
    if (why) {
        kprintf("fbcon: disabled: %s\n", why);
        return;
    }
    fbcon.pixels = phys_to_virt(fb->phys_base);
    fbcon.width = fb->width;
    fbcon.height = fb->height;
    fbcon.pitch = fb->pitch;
    fbcon.cols = fb->width / FONT_WIDTH < FBCON_MAX_COLS ? fb->width / FONT_WIDTH : FBCON_MAX_COLS;
    fbcon.rows = fb->height / FONT_HEIGHT < FBCON_MAX_ROWS ? fb->height / FONT_HEIGHT
                                                           : FBCON_MAX_ROWS;
    fbcon_pixel(fb, 0xC0, 0xC0, 0xC0, &fbcon.fg);
    fbcon_pixel(fb, 0x00, 0x00, 0x00, &fbcon.bg);
    fbcon.cur_col = fbcon.cur_row = fbcon.top = fbcon.scrolls = 0;
    for (uint32_t r = 0; r < fbcon.rows; r++) {
        memset(fbcon.cells[r], ' ', fbcon.cols);
        fbcon.dirty[r].lo = fbcon.dirty[r].hi = 0;
    }
    fbcon_clear_pixels();
    fbcon.present = true;
    fbcon_draw_cursor();
    static const char *const names[] = { "none", "RGBX", "BGRX", "BITMASK" };
    kprintf("fbcon: %ux%u %s, pitch %u px, %ux%u text cells\n", fb->width, fb->height,
            names[fb->format], fb->pitch, fbcon.cols, fbcon.rows);
}
