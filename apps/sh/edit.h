/*
 * edit.h - the shell's line editor over a raw byte stream (a console that neither echoes nor
 * buffers lines). Keys: printable characters insert at the cursor; Backspace (DEL or ^H),
 * Delete (ESC [3~), ^D on an empty line (end of input), Left/Right (ESC [D / ESC [C, also
 * ESC O D / C), Home/End (ESC [H / ESC [F, ESC [1~ / ESC [4~, ^A / ^E), Up/Down browse the
 * history, ^U clears the line, ^C abandons it, Enter (CR, LF or CR LF) ends it.
 *
 * Screen updates use only printable characters, space and backspace, so they work the same
 * on a VT100 over serial and on the kernel's framebuffer console. A line longer than the
 * screen is wide may redraw imperfectly (no cursor-up is sent); the text itself is right.
 *
 * Invariants: 0 <= cur <= len < SH_EDIT_MAX; buf[len] == '\0' whenever a line is returned;
 * history holds only non-empty lines, at most SH_HISTORY_MAX, oldest dropped first.
 */
#ifndef SH_EDIT_H
#define SH_EDIT_H

#include <stddef.h>

#define SH_EDIT_MAX    1024 /* bytes in a line, with its NUL */
#define SH_HISTORY_MAX 32

typedef void (*sh_edit_out_fn)(void *ctx, const char *s, size_t n);

typedef enum {
    SH_EDIT_MORE,      /* keep feeding */
    SH_EDIT_LINE,      /* a line is complete: buf, NUL-terminated */
    SH_EDIT_EOF,       /* ^D on an empty line */
    SH_EDIT_INTERRUPT, /* ^C: the line was abandoned */
} sh_edit_result_t;

typedef struct {
    char buf[SH_EDIT_MAX];
    size_t len, cur;
    int esc;      /* escape-sequence state: 0 none, 1 after ESC, 2 after ESC [, 3 after ESC O */
    int esc_num;  /* the number inside ESC [ n ~ */
    int skip_lf;  /* the previous byte was CR: an LF right after it is the same Enter */
    char history[SH_HISTORY_MAX][SH_EDIT_MAX];
    int hist_count, hist_next;  /* entries held; ring slot the next entry goes to */
    int hist_pos;               /* 0: editing the new line; k: showing the k-th newest */
    char saved[SH_EDIT_MAX];    /* the new line, kept while browsing the history */
    sh_edit_out_fn out;
    void *ctx;
} sh_edit_t;

void sh_edit_init(sh_edit_t *e, sh_edit_out_fn out, void *ctx);
/* Starts a new empty line (the caller has printed the prompt). */
void sh_edit_begin(sh_edit_t *e);
sh_edit_result_t sh_edit_feed(sh_edit_t *e, char c);
/* Adds line to the history (ignored when empty or equal to the newest entry). */
void sh_edit_history_add(sh_edit_t *e, const char *line);

#endif
