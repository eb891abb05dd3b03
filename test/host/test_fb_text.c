/*
 * test_fb_text.c - host tests for test/tools/fb_text.c: text rendered with the real generated
 * font into an in-memory PPM, the way fbcon draws it, must decode back to the same text; the
 * font must be unambiguous for the decoder; hostile PPM headers must be refused.
 */
#define FB_TEXT_NO_MAIN
#include "test/tools/fb_text.c"

#include "host_test.h"

#define SCREEN_W 200 /* 25 columns; not a multiple of 16 rows on purpose: 6 rows + 4 px */
#define SCREEN_H 100

typedef struct {
    uint8_t *buf;
    size_t len;
    size_t header;
    uint32_t w, h;
} ppm_t;

/* A black PPM of w x h pixels with 8-bit samples. */
static ppm_t ppm_blank(uint32_t w, uint32_t h)
{
    ppm_t p;
    char hdr[64];
    int n = snprintf(hdr, sizeof hdr, "P6\n# test\n%u %u\n255\n", w, h);
    p.header = (size_t)n;
    p.w = w;
    p.h = h;
    p.len = p.header + (size_t)w * h * 3;
    p.buf = calloc(1, p.len);
    memcpy(p.buf, hdr, p.header);
    return p;
}

/* Lights pixel (x, y); pixels off the screen are clipped, as fbcon never draws them. */
static void ppm_set(ppm_t *p, uint32_t x, uint32_t y)
{
    if (x >= p->w || y >= p->h)
        return;
    uint8_t *px = p->buf + p->header + ((size_t)y * p->w + x) * 3;
    px[0] = px[1] = px[2] = 0xC0; /* fbcon's light grey */
}

/* Draws lines of text from the top-left, like fbcon_draw_glyph, then the cursor cell. */
static void ppm_draw(ppm_t *p, const char *const *lines, size_t n,
                     uint32_t cur_col, uint32_t cur_row)
{
    for (size_t r = 0; r < n; r++)
        for (size_t c = 0; lines[r][c]; c++) {
            const uint8_t *g = font_glyphs[font_index((unsigned char)lines[r][c])];
            for (uint32_t y = 0; y < FONT_HEIGHT; y++)
                for (uint32_t x = 0; x < FONT_WIDTH; x++)
                    if (g[y] & (0x80 >> x))
                        ppm_set(p, (uint32_t)c * FONT_WIDTH + x, (uint32_t)r * FONT_HEIGHT + y);
        }
    for (uint32_t x = 0; x < FONT_WIDTH; x++)
        ppm_set(p, cur_col * FONT_WIDTH + x, cur_row * FONT_HEIGHT + FBTEXT_CURSOR_ROW);
}

static char *decode(const ppm_t *p, const char **why)
{
    fbtext_image_t img;
    *why = fbtext_parse_ppm(p->buf, p->len, &img);
    return *why ? NULL : fbtext_decode(&img);
}

HOST_TEST(rendered_lines_decode_to_the_same_text)
{
    static const char *const lines[] = {
        "ktest: 42 passed, 0 failed",  /* 26 chars: wider than 25 columns, cut */
        "",
        "power: shutting down (st",
        "  ~!@#$%^&*()_+{}|:\"<>?`-=",
    };
    ppm_t p = ppm_blank(SCREEN_W, SCREEN_H);
    ppm_draw(&p, lines, 3, 0, 3); /* 4th line beyond the drawn ones; cursor row 3 */
    const char *why;
    char *text = decode(&p, &why);
    CHECK(why == NULL);
    CHECK(text != NULL);
    CHECK(strcmp(text, "ktest: 42 passed, 0 faile\n\npower: shutting down (st\n") == 0);
    free(text);
    free(p.buf);
}

HOST_TEST(every_printable_char_and_the_cursor_cell_decode)
{
    char all[FONT_LAST - FONT_FIRST + 2];
    for (int c = FONT_FIRST; c <= FONT_LAST; c++)
        all[c - FONT_FIRST] = (char)c;
    all[FONT_LAST - FONT_FIRST + 1] = '\0';
    uint32_t w = (uint32_t)sizeof all * FONT_WIDTH;
    const char *const lines[] = { all, "x" };
    ppm_t p = ppm_blank(w, 3 * FONT_HEIGHT);
    ppm_draw(&p, lines, 2, 0, 1); /* cursor on top of the 'x' */
    const char *why;
    char *text = decode(&p, &why);
    CHECK(text != NULL);
    char want[sizeof all + 8];
    snprintf(want, sizeof want, "%s\nx\n", all + 1); /* leading space is kept... */
    CHECK(text[0] == ' ');
    CHECK(strcmp(text + 1, want) == 0);
    free(text);
    free(p.buf);
}

HOST_TEST(non_ascii_bytes_and_garbage_cells_decode_as_question_marks)
{
    const char *const lines[] = { "a\x01" "b" };
    ppm_t p = ppm_blank(SCREEN_W, SCREEN_H);
    ppm_draw(&p, lines, 1, 10, 3);
    ppm_set(&p, 5 * FONT_WIDTH + 3, FONT_HEIGHT + 1); /* one stray pixel in (5,1) */
    const char *why;
    char *text = decode(&p, &why);
    CHECK(text != NULL);
    CHECK(strcmp(text, "a?b\n     ?\n") == 0);
    free(text);
    free(p.buf);
}

/* Every glyph must differ from every other, or a decoded character could be the wrong one. */
HOST_TEST(font_glyphs_are_distinct_for_the_decoder)
{
    for (unsigned a = 0; a < FONT_GLYPHS; a++)
        for (unsigned b = a + 1; b < FONT_GLYPHS; b++)
            CHECK(memcmp(font_glyphs[a], font_glyphs[b], FONT_HEIGHT) != 0);
}

/* Under the cursor a glyph decodes as itself or, when that is ambiguous, as '?': never as
 * another character. */
HOST_TEST(glyph_under_the_cursor_never_decodes_as_another_char)
{
    int decoded = 0;
    for (int c = FONT_FIRST; c <= FONT_LAST; c++) {
        uint8_t bits[FONT_HEIGHT];
        memcpy(bits, font_glyphs[font_index((unsigned char)c)], FONT_HEIGHT);
        bits[FBTEXT_CURSOR_ROW] = 0xff;
        char got = fbtext_match_cell(bits);
        CHECK(got == c || got == FBTEXT_UNKNOWN);
        decoded += got == c;
    }
    CHECK(decoded > (FONT_LAST - FONT_FIRST) / 2); /* the loose match does help */
}

HOST_TEST(sixteen_bit_samples_are_scaled)
{
    /* 1 x 16 px with maxval 65535: one cell; rows of '|' lit at 0x8000 (on), one at 0x5000 (off). */
    uint8_t buf[64 + 8 * 16 * 6];
    int n = snprintf((char *)buf, 64, "P6 8 16 65535\n");
    size_t hdr = (size_t)n;
    memset(buf + hdr, 0, 8 * 16 * 6);
    const uint8_t *g = font_glyphs[font_index('|')];
    for (uint32_t y = 0; y < 16; y++)
        for (uint32_t x = 0; x < 8; x++)
            if (g[y] & (0x80 >> x))
                buf[hdr + (y * 8 + x) * 6 + 2] = 0x80; /* green channel high byte */
    buf[hdr + 3 * 6] = 0x50; /* red of pixel (3,0): below the level, stays off */
    fbtext_image_t img;
    CHECK(fbtext_parse_ppm(buf, hdr + 8 * 16 * 6, &img) == NULL);
    CHECK_EQ(img.maxval, 65535);
    char *text = fbtext_decode(&img);
    CHECK(text != NULL);
    CHECK(strcmp(text, "|\n") == 0);
    free(text);
}

static const char *parse(const char *s, size_t len)
{
    fbtext_image_t img;
    return fbtext_parse_ppm((const uint8_t *)s, len, &img);
}

HOST_TEST(hostile_headers_are_refused)
{
    static const char pix[] = "P6 1 1 255\nabc";
    CHECK(parse(pix, sizeof pix - 1) == NULL);
    CHECK(parse(pix, sizeof pix - 2) != NULL);               /* one sample missing */
    CHECK(parse("P3 1 1 255\nabc", 14) != NULL);             /* ASCII PPM */
    CHECK(parse("P6", 2) != NULL);                           /* header cut */
    CHECK(parse("P61 1 255\nabc", 13) != NULL);              /* no separator */
    CHECK(parse("P6 0 1 255\n", 11) != NULL);                /* zero width */
    CHECK(parse("P6 1 1 0\nabc", 12) != NULL);               /* zero maxval */
    CHECK(parse("P6 1 1 65536\nabcdef", 19) != NULL);        /* maxval too large */
    CHECK(parse("P6 16385 1 255\n", 15) != NULL);            /* width over the limit */
    CHECK(parse("P6 99999999999999999999 1 255\n", 30) != NULL); /* would overflow */
    CHECK(parse("P6 -1 1 255\n", 12) != NULL);
    CHECK(parse("P6 1 1 255", 10) != NULL);                  /* no byte after maxval */
    CHECK(parse("P6 16384 16384 65535\n", 21) != NULL);      /* 1.5 GiB claimed, none there */
    CHECK(parse("P6 #c\n1 # w\n1 255\nabc", 21) == NULL);    /* comments are allowed */
}
