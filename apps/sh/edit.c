/*
 * edit.c - line editing state machine (see edit.h). Every key updates buf/len/cur and then
 * emits the bytes that make the screen match: text from the cursor to the end of the line,
 * blanks over characters that disappeared, and backspaces to bring the cursor back.
 */
#include <string.h>
#include "edit.h"

#define KEY_CTRL(c) ((c) & 0x1f)
#define KEY_ESC     0x1b
#define KEY_DEL     0x7f

static void out_str(sh_edit_t *e, const char *s, size_t n)
{
    if (n)
        e->out(e->ctx, s, n);
}

static void out_repeat(sh_edit_t *e, char c, size_t n)
{
    char chunk[32];
    memset(chunk, c, sizeof chunk);
    while (n) {
        size_t k = n < sizeof chunk ? n : sizeof chunk;
        out_str(e, chunk, k);
        n -= k;
    }
}

/* Redraws from the cursor to the end, blanking `gone` trailing cells, and puts the cursor
 * back where it is in buf. */
static void redraw_tail(sh_edit_t *e, size_t gone)
{
    out_str(e, e->buf + e->cur, e->len - e->cur);
    out_repeat(e, ' ', gone);
    out_repeat(e, '\b', e->len - e->cur + gone);
}

void sh_edit_init(sh_edit_t *e, sh_edit_out_fn out, void *ctx)
{
    memset(e, 0, sizeof *e);
    e->out = out;
    e->ctx = ctx;
}

void sh_edit_begin(sh_edit_t *e)
{
    e->len = e->cur = 0;
    e->buf[0] = '\0';
    e->esc = 0;
    e->hist_pos = 0;
}

static void key_insert(sh_edit_t *e, char c)
{
    if (e->len + 1 >= SH_EDIT_MAX)
        return; /* full: the key is dropped */
    memmove(e->buf + e->cur + 1, e->buf + e->cur, e->len - e->cur);
    e->buf[e->cur] = c;
    e->len++;
    e->cur++;
    out_str(e, &c, 1);
    if (e->cur < e->len)
        redraw_tail(e, 0);
}

/* Deletes the character under the cursor. */
static void key_delete(sh_edit_t *e)
{
    if (e->cur == e->len)
        return;
    memmove(e->buf + e->cur, e->buf + e->cur + 1, e->len - e->cur - 1);
    e->len--;
    redraw_tail(e, 1);
}

static void key_backspace(sh_edit_t *e)
{
    if (e->cur == 0)
        return;
    e->cur--;
    out_str(e, "\b", 1);
    key_delete(e);
}

static void key_left(sh_edit_t *e)
{
    if (e->cur > 0) {
        e->cur--;
        out_str(e, "\b", 1);
    }
}

static void key_right(sh_edit_t *e)
{
    if (e->cur < e->len) {
        out_str(e, e->buf + e->cur, 1);
        e->cur++;
    }
}

static void key_home(sh_edit_t *e)
{
    out_repeat(e, '\b', e->cur);
    e->cur = 0;
}

static void key_end(sh_edit_t *e)
{
    out_str(e, e->buf + e->cur, e->len - e->cur);
    e->cur = e->len;
}

/* Replaces the whole line with text and leaves the cursor at its end. */
static void line_replace(sh_edit_t *e, const char *text)
{
    size_t old = e->len;
    key_home(e);
    size_t n = strlen(text);
    if (n >= SH_EDIT_MAX)
        n = SH_EDIT_MAX - 1;
    memmove(e->buf, text, n);
    e->buf[n] = '\0';
    e->len = n;
    out_str(e, e->buf, n);
    e->cur = n;
    if (old > n) {
        out_repeat(e, ' ', old - n);
        out_repeat(e, '\b', old - n);
    }
}

/* The k-th newest history entry (1 = newest). */
static const char *history_get(const sh_edit_t *e, int k)
{
    int slot = (e->hist_next - k + SH_HISTORY_MAX) % SH_HISTORY_MAX;
    return e->history[slot];
}

static void key_history(sh_edit_t *e, int step)
{
    int pos = e->hist_pos + step;
    if (pos < 0 || pos > e->hist_count)
        return;
    if (e->hist_pos == 0) {
        e->buf[e->len] = '\0';
        memcpy(e->saved, e->buf, e->len + 1);
    }
    e->hist_pos = pos;
    line_replace(e, pos == 0 ? e->saved : history_get(e, pos));
}

void sh_edit_history_add(sh_edit_t *e, const char *line)
{
    if (line[0] == '\0')
        return;
    if (e->hist_count > 0 && strcmp(history_get(e, 1), line) == 0)
        return;
    size_t n = strlen(line);
    if (n >= SH_EDIT_MAX)
        n = SH_EDIT_MAX - 1;
    memcpy(e->history[e->hist_next], line, n);
    e->history[e->hist_next][n] = '\0';
    e->hist_next = (e->hist_next + 1) % SH_HISTORY_MAX;
    if (e->hist_count < SH_HISTORY_MAX)
        e->hist_count++;
}

/* A byte inside an escape sequence. */
static void feed_escape(sh_edit_t *e, char c)
{
    if (e->esc == 1) {
        e->esc = c == '[' ? 2 : c == 'O' ? 3 : 0;
        e->esc_num = 0;
        return;
    }
    if (e->esc == 2 && c >= '0' && c <= '9') {
        if (e->esc_num < 1000)
            e->esc_num = e->esc_num * 10 + (c - '0');
        return;
    }
    if (e->esc == 2 && c == ';')
        return; /* modifiers (ESC [1;5C): ignored */
    e->esc = 0;
    switch (c) {
    case 'A': key_history(e, 1); break;
    case 'B': key_history(e, -1); break;
    case 'C': key_right(e); break;
    case 'D': key_left(e); break;
    case 'H': key_home(e); break;
    case 'F': key_end(e); break;
    case '~':
        if (e->esc_num == 1 || e->esc_num == 7)
            key_home(e);
        else if (e->esc_num == 4 || e->esc_num == 8)
            key_end(e);
        else if (e->esc_num == 3)
            key_delete(e);
        break;
    default: break; /* unknown sequences are swallowed whole */
    }
}

static sh_edit_result_t key_enter(sh_edit_t *e)
{
    key_end(e);
    out_str(e, "\n", 1);
    e->buf[e->len] = '\0';
    e->hist_pos = 0;
    return SH_EDIT_LINE;
}

sh_edit_result_t sh_edit_feed(sh_edit_t *e, char c)
{
    int after_cr = e->skip_lf;
    e->skip_lf = 0;
    if (e->esc) {
        feed_escape(e, c);
        return SH_EDIT_MORE;
    }
    switch (c) {
    case '\n':
        if (after_cr)
            return SH_EDIT_MORE;
        return key_enter(e);
    case '\r':
        e->skip_lf = 1;
        return key_enter(e);
    case KEY_ESC: e->esc = 1; break;
    case KEY_DEL:
    case '\b': key_backspace(e); break;
    case KEY_CTRL('A'): key_home(e); break;
    case KEY_CTRL('E'): key_end(e); break;
    case KEY_CTRL('B'): key_left(e); break;
    case KEY_CTRL('F'): key_right(e); break;
    case KEY_CTRL('P'): key_history(e, 1); break;
    case KEY_CTRL('N'): key_history(e, -1); break;
    case KEY_CTRL('U'): line_replace(e, ""); break;
    case KEY_CTRL('C'):
        key_end(e);
        out_str(e, "^C\n", 3);
        e->len = e->cur = 0;
        e->buf[0] = '\0';
        e->hist_pos = 0;
        return SH_EDIT_INTERRUPT;
    case KEY_CTRL('D'):
        if (e->len == 0)
            return SH_EDIT_EOF;
        key_delete(e);
        break;
    default:
        if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f)
            key_insert(e, c);
        else if (c == '\t')
            key_insert(e, ' ');
        break;
    }
    return SH_EDIT_MORE;
}
