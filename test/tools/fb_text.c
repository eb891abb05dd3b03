/*
 * fb_text.c - host tool for the test runner: reads a QEMU screendump (binary PPM, P6) of the
 * kernel's framebuffer console back as text.
 *
 *   fb_text FILE.ppm      prints the screen, one line per 8x16 text row
 *
 * The console (kernel/console/fbcon.c) draws glyphs of the generated font (BUILD/font.c,
 * included below; build with -I. -IBUILD) light grey on black in cells at multiples of 8x16
 * from the top-left, plus an underline cursor on row FONT_HEIGHT - 2 of one cell. A pixel is
 * "on" when any channel is brighter than FBTEXT_ON_LEVEL; a cell is matched exactly against
 * every glyph, then, if its cursor row is solid, again with that row ignored (a glyph under
 * the cursor decodes only if that leaves exactly one candidate). Cells that match nothing
 * print '?', as does the font's fallback glyph. Trailing spaces and trailing
 * blank lines are dropped.
 *
 * The file is hostile input: the header is parsed strictly, sizes are bounded (FBTEXT_MAX_DIM),
 * the file size is capped (FBTEXT_MAX_FILE) and every size product is checked before use.
 * Exit status: 0 decoded, 1 bad or unreadable file, 2 usage. Define FB_TEXT_NO_MAIN to
 * include this file in a unit test.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "font.c" /* BUILD/font.c: font_glyphs[] and, through it, kernel/console/font.h */

#define FBTEXT_MAX_DIM    16384 /* pixels per side; far above any GOP mode */
#define FBTEXT_MAX_FILE   ((size_t)64 << 20) /* a 3840x2160 dump is 24 MiB */
#define FBTEXT_ON_LEVEL   0x60  /* 8-bit channel value above which a pixel is lit */
#define FBTEXT_CURSOR_ROW (FONT_HEIGHT - 2) /* where fbcon draws its underline cursor */
#define FBTEXT_UNKNOWN    '?'

typedef struct {
    uint32_t width, height;
    uint32_t maxval;     /* 1..65535; above 255 each sample is two bytes, big-endian */
    const uint8_t *data; /* width * height RGB triples, inside the parsed buffer */
} fbtext_image_t;

/* ---------------------------------------------------------------- PPM header */

typedef struct {
    const uint8_t *buf;
    size_t len, pos;
} fbtext_reader_t;

/* Skips whitespace and '#' comments (which run to the end of the line). */
static void fbtext_skip_space(fbtext_reader_t *r)
{
    while (r->pos < r->len) {
        uint8_t c = r->buf[r->pos];
        if (c == '#') {
            while (r->pos < r->len && r->buf[r->pos] != '\n' && r->buf[r->pos] != '\r')
                r->pos++;
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
            r->pos++;
        } else {
            return;
        }
    }
}

/* Reads a decimal number in [1, max]; false on no digits, overflow or out of range. */
static bool fbtext_read_number(fbtext_reader_t *r, uint32_t max, uint32_t *out)
{
    fbtext_skip_space(r);
    uint64_t v = 0;
    size_t start = r->pos;
    while (r->pos < r->len && r->buf[r->pos] >= '0' && r->buf[r->pos] <= '9') {
        v = v * 10 + (uint64_t)(r->buf[r->pos] - '0');
        if (v > max)
            return false;
        r->pos++;
    }
    if (r->pos == start || v == 0)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* Parses a P6 image held in buf; returns NULL and fills img, or says what is wrong. */
static const char *fbtext_parse_ppm(const uint8_t *buf, size_t len, fbtext_image_t *img)
{
    fbtext_reader_t r = { buf, len, 0 };
    if (len < 2 || buf[0] != 'P' || buf[1] != '6')
        return "not a binary PPM (P6)";
    r.pos = 2;
    if (r.pos >= len || (buf[r.pos] != ' ' && buf[r.pos] != '\t' && buf[r.pos] != '\n' &&
                         buf[r.pos] != '\r' && buf[r.pos] != '#'))
        return "no separator after P6";
    uint32_t w, h, maxval;
    if (!fbtext_read_number(&r, FBTEXT_MAX_DIM, &w) || !fbtext_read_number(&r, FBTEXT_MAX_DIM, &h))
        return "bad or too large width/height";
    if (!fbtext_read_number(&r, 65535, &maxval))
        return "bad maximum sample value";
    /* Exactly one whitespace byte separates the header from the samples. */
    if (r.pos >= len || (buf[r.pos] != ' ' && buf[r.pos] != '\t' && buf[r.pos] != '\n' &&
                         buf[r.pos] != '\r'))
        return "no whitespace after the header";
    r.pos++;
    size_t sample = maxval > 255 ? 2 : 1;
    size_t need;
    if (__builtin_mul_overflow((size_t)w, (size_t)h, &need) ||
        __builtin_mul_overflow(need, 3 * sample, &need))
        return "image size overflows";
    if (len - r.pos < need)
        return "truncated pixel data";
    *img = (fbtext_image_t){ .width = w, .height = h, .maxval = maxval, .data = buf + r.pos };
    return NULL;
}

/* ---------------------------------------------------------------- cells */

static uint32_t fbtext_sample(const fbtext_image_t *img, size_t index)
{
    if (img->maxval > 255)
        return (uint32_t)img->data[2 * index] << 8 | img->data[2 * index + 1];
    return img->data[index];
}

/* Caller guarantees x < width, y < height. */
static bool fbtext_pixel_on(const fbtext_image_t *img, uint32_t x, uint32_t y)
{
    size_t base = ((size_t)y * img->width + x) * 3;
    for (size_t ch = 0; ch < 3; ch++) {
        /* Scaled to 8 bits; 64-bit so a 16-bit sample times 255 cannot overflow. */
        uint64_t level = (uint64_t)fbtext_sample(img, base + ch) * 255 / img->maxval;
        if (level > FBTEXT_ON_LEVEL)
            return true;
    }
    return false;
}

/* The lit pixels of text cell (col, row), one byte per pixel row, MSB leftmost like the font. */
static void fbtext_cell_bits(const fbtext_image_t *img, uint32_t col, uint32_t row,
                             uint8_t bits[FONT_HEIGHT])
{
    for (uint32_t y = 0; y < FONT_HEIGHT; y++) {
        uint8_t b = 0;
        for (uint32_t x = 0; x < FONT_WIDTH; x++)
            if (fbtext_pixel_on(img, col * FONT_WIDTH + x, row * FONT_HEIGHT + y))
                b |= (uint8_t)(0x80 >> x);
        bits[y] = b;
    }
}

static char fbtext_glyph_char(unsigned index)
{
    return index == FONT_FALLBACK ? FBTEXT_UNKNOWN : (char)(FONT_FIRST + index);
}

/*
 * Index of the one glyph equal to bits (row `skip` ignored when < FONT_HEIGHT); -1 when none
 * or several match. Several can match only with a row ignored: in Terminus 'g' and 'q'
 * differ only on the cursor row, so a cursor on either must not be guessed.
 */
static int fbtext_find_glyph(const uint8_t bits[FONT_HEIGHT], unsigned skip)
{
    int found = -1;
    for (unsigned g = 0; g < FONT_GLYPHS; g++) {
        unsigned y = 0;
        while (y < FONT_HEIGHT && (y == skip || font_glyphs[g][y] == bits[y]))
            y++;
        if (y < FONT_HEIGHT)
            continue;
        if (found >= 0)
            return -1;
        found = (int)g;
    }
    return found;
}

static char fbtext_match_cell(const uint8_t bits[FONT_HEIGHT])
{
    int g = fbtext_find_glyph(bits, FONT_HEIGHT);
    if (g < 0 && bits[FBTEXT_CURSOR_ROW] == 0xff)
        g = fbtext_find_glyph(bits, FBTEXT_CURSOR_ROW);
    return g < 0 ? FBTEXT_UNKNOWN : fbtext_glyph_char((unsigned)g);
}

/*
 * The screen as text: rows of up to width / 8 characters, each ended by '\n', trailing
 * spaces and trailing blank rows dropped. Returns a malloc'd string (caller frees) or NULL.
 */
static char *fbtext_decode(const fbtext_image_t *img)
{
    uint32_t cols = img->width / FONT_WIDTH, rows = img->height / FONT_HEIGHT;
    size_t cap = ((size_t)cols + 1) * rows + 1; /* bounded by FBTEXT_MAX_DIM: no overflow */
    char *text = malloc(cap);
    if (!text)
        return NULL;
    size_t len = 0, keep = 0; /* keep: length up to the end of the last non-blank row */
    for (uint32_t r = 0; r < rows; r++) {
        size_t line_start = len, line_end = len;
        for (uint32_t c = 0; c < cols; c++) {
            uint8_t bits[FONT_HEIGHT];
            fbtext_cell_bits(img, c, r, bits);
            text[len++] = fbtext_match_cell(bits);
            if (text[len - 1] != ' ')
                line_end = len;
        }
        len = line_end;
        text[len++] = '\n';
        if (line_end > line_start)
            keep = len;
    }
    text[keep] = '\0';
    return text;
}

/* ---------------------------------------------------------------- command line */

#ifndef FB_TEXT_NO_MAIN
/* Reads the whole file, refusing anything larger than max bytes. */
static uint8_t *fbtext_read_file(const char *path, size_t max, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    if (!f)
        return NULL;
    for (;;) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 1 << 20;
            if (cap >= max + 1)
                goto fail; /* read max + 1 bytes already: too large */
            if (ncap > max + 1)
                ncap = max + 1;
            uint8_t *nbuf = realloc(buf, ncap);
            if (!nbuf)
                goto fail;
            buf = nbuf;
            cap = ncap;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f) || len > max)
        goto fail;
    fclose(f);
    *len_out = len;
    return buf;
fail:
    free(buf);
    fclose(f);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fb_text FILE.ppm\n");
        return 2;
    }
    int status = 1;
    size_t len = 0;
    char *text = NULL;
    uint8_t *buf = fbtext_read_file(argv[1], FBTEXT_MAX_FILE, &len);
    if (!buf) {
        fprintf(stderr, "fb_text: %s: cannot read (missing, unreadable or too large)\n", argv[1]);
        goto out;
    }
    fbtext_image_t img;
    const char *why = fbtext_parse_ppm(buf, len, &img);
    if (why) {
        fprintf(stderr, "fb_text: %s: %s\n", argv[1], why);
        goto out;
    }
    text = fbtext_decode(&img);
    if (!text) {
        fprintf(stderr, "fb_text: out of memory\n");
        goto out;
    }
    fputs(text, stdout);
    status = fflush(stdout) == 0 ? 0 : 1;
out:
    free(text);
    free(buf);
    return status;
}
#endif
