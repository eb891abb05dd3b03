/*
 * test_sh_edit.c - the shell's line editor (apps/sh/edit.c), driven with key bytes as a
 * terminal sends them. A one-row model of the screen (printable characters overwrite,
 * backspace moves left, newline ends the row) checks that what the user sees always matches
 * the line being edited, cursor included.
 */
#include "host_test.h"

#include <string.h>

#include "apps/sh/edit.c"

typedef struct {
    char row[4096];
    size_t col, width; /* width: cells written so far */
    int newlines;
} screen_t;

static void screen_out(void *ctx, const char *s, size_t n)
{
    screen_t *sc = ctx;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\b') {
            if (sc->col > 0)
                sc->col--;
        } else if (s[i] == '\n') {
            sc->newlines++;
        } else {
            sc->row[sc->col++] = s[i];
            if (sc->col > sc->width)
                sc->width = sc->col;
        }
    }
}

static sh_edit_t *ed;
static screen_t screen;

static void start(void)
{
    static sh_edit_t *e;
    free(e);
    e = malloc(sizeof *e);
    ed = e;
    memset(&screen, 0, sizeof screen);
    sh_edit_init(ed, screen_out, &screen);
    sh_edit_begin(ed);
}

/* Feeds keys; returns the last result. */
static sh_edit_result_t keys(const char *s, size_t n)
{
    sh_edit_result_t r = SH_EDIT_MORE;
    for (size_t i = 0; i < n; i++)
        r = sh_edit_feed(ed, s[i]);
    return r;
}
#define KEYS(s) keys(s, sizeof(s) - 1)

/* The screen shows exactly buf (trailing blanks allowed) with the cursor at cur. */
static int screen_matches(void)
{
    for (size_t i = 0; i < screen.width; i++) {
        char want = i < ed->len ? ed->buf[i] : ' ';
        if (screen.row[i] != want) {
            printf("  cell %zu: '%c', want '%c'\n", i, screen.row[i], want);
            return 0;
        }
    }
    if (screen.width < ed->len || screen.col != ed->cur) {
        printf("  width %zu len %zu col %zu cur %zu\n", screen.width, ed->len, screen.col, ed->cur);
        return 0;
    }
    return 1;
}

static int line_is(const char *want)
{
    ed->buf[ed->len] = '\0';
    if (strcmp(ed->buf, want) != 0) {
        printf("  line \"%s\", want \"%s\"\n", ed->buf, want);
        return 0;
    }
    return 1;
}

HOST_TEST(typing_and_enter_returns_the_line)
{
    start();
    CHECK_EQ(KEYS("echo hi"), SH_EDIT_MORE);
    CHECK(screen_matches());
    CHECK_EQ(KEYS("\r"), SH_EDIT_LINE);
    CHECK(line_is("echo hi"));
    CHECK_EQ(screen.newlines, 1);
}

HOST_TEST(cr_lf_is_one_enter)
{
    start();
    CHECK_EQ(KEYS("a\r"), SH_EDIT_LINE);
    sh_edit_begin(ed);
    CHECK_EQ(KEYS("\nb"), SH_EDIT_MORE);
    CHECK(line_is("b"));
    CHECK_EQ(KEYS("\n"), SH_EDIT_LINE);
    CHECK_EQ(screen.newlines, 2);
}

HOST_TEST(backspace_at_end_and_in_the_middle)
{
    start();
    KEYS("abcd\x7f");
    CHECK(line_is("abc"));
    CHECK(screen_matches());
    KEYS("\x1b[D\x1b[D\b");
    CHECK(line_is("bc"));
    CHECK_EQ(ed->cur, 0);
    CHECK(screen_matches());
    KEYS("\b\b"); /* at the start: nothing */
    CHECK(line_is("bc"));
    CHECK(screen_matches());
}

HOST_TEST(insert_in_the_middle_redraws_the_tail)
{
    start();
    KEYS("ac\x1b[DB");
    CHECK(line_is("aBc"));
    CHECK_EQ(ed->cur, 2);
    CHECK(screen_matches());
}

HOST_TEST(arrows_stop_at_the_ends)
{
    start();
    KEYS("xy\x1b[C\x1b[C");
    CHECK_EQ(ed->cur, 2);
    KEYS("\x1b[D\x1b[D\x1b[D\x1bOD");
    CHECK_EQ(ed->cur, 0);
    CHECK(screen_matches());
    KEYS("\x1bOC");
    CHECK_EQ(ed->cur, 1);
}

HOST_TEST(home_end_delete_and_ctrl_keys)
{
    start();
    KEYS("hello\x1b[H");
    CHECK_EQ(ed->cur, 0);
    KEYS("\x1b[3~");
    CHECK(line_is("ello"));
    KEYS("\x1b[F");
    CHECK_EQ(ed->cur, 4);
    KEYS("\x01" "J\x05!");
    CHECK(line_is("Jello!"));
    CHECK(screen_matches());
    KEYS("\x1b[1~\x1b[4~");
    CHECK_EQ(ed->cur, 6);
    KEYS("\x15");
    CHECK(line_is(""));
    CHECK(screen_matches());
}

HOST_TEST(history_up_down_restores_the_new_line)
{
    start();
    sh_edit_history_add(ed, "first");
    sh_edit_history_add(ed, "second command");
    KEYS("new");
    KEYS("\x1b[A");
    CHECK(line_is("second command"));
    CHECK(screen_matches());
    KEYS("\x1b[A");
    CHECK(line_is("first"));
    CHECK(screen_matches());
    KEYS("\x1b[A"); /* no older entry */
    CHECK(line_is("first"));
    KEYS("\x1b[B\x1b[B");
    CHECK(line_is("new"));
    CHECK(screen_matches());
    KEYS("\x1b[B");
    CHECK(line_is("new"));
}

HOST_TEST(history_skips_empty_and_repeated_lines)
{
    start();
    sh_edit_history_add(ed, "");
    sh_edit_history_add(ed, "ls");
    sh_edit_history_add(ed, "ls");
    CHECK_EQ(ed->hist_count, 1);
}

HOST_TEST(history_keeps_the_newest_entries)
{
    start();
    char line[16];
    for (int i = 0; i < SH_HISTORY_MAX + 5; i++) {
        snprintf(line, sizeof line, "cmd%d", i);
        sh_edit_history_add(ed, line);
    }
    CHECK_EQ(ed->hist_count, SH_HISTORY_MAX);
    for (int i = 0; i < SH_HISTORY_MAX + 3; i++)
        KEYS("\x1b[A");
    snprintf(line, sizeof line, "cmd%d", 5);
    CHECK(line_is(line));
}

HOST_TEST(ctrl_c_abandons_and_ctrl_d_ends_input)
{
    start();
    CHECK_EQ(KEYS("abc\x03"), SH_EDIT_INTERRUPT);
    CHECK(line_is(""));
    sh_edit_begin(ed);
    CHECK_EQ(KEYS("x\x04"), SH_EDIT_MORE); /* not empty: ^D deletes under the cursor */
    CHECK_EQ(KEYS("\x15\x04"), SH_EDIT_EOF);
}

HOST_TEST(full_line_drops_extra_keys)
{
    start();
    for (int i = 0; i < SH_EDIT_MAX + 50; i++)
        KEYS("z");
    CHECK_EQ(ed->len, SH_EDIT_MAX - 1);
    CHECK(screen_matches());
    CHECK_EQ(KEYS("\n"), SH_EDIT_LINE);
    CHECK_EQ(strlen(ed->buf), SH_EDIT_MAX - 1);
}

HOST_TEST(unknown_escapes_and_control_bytes_are_ignored)
{
    start();
    KEYS("a\x1b[15~\x1b[1;5C\x02\x07\x1bxb");
    /* ESC x: x ends the unknown ESC sequence; ^B moved left once before b went in. */
    CHECK(screen_matches());
    CHECK(ed->len == 2);
}
