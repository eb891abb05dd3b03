/*
 * cmdline.c - parses the kernel command line (see cmdline.h). Portable: only string.h.
 *
 * Grammar: words are separated by spaces, tabs, CR or LF. Quoting works in every word, the way
 * a shell does it: "double quotes" group words and may sit mid-word (a"b c"d is `ab cd`), a
 * backslash takes the next character literally (inside double quotes too), 'single quotes'
 * take everything literally up to the closing quote. Before an unquoted `--`, a word is a flag
 * `key` or `key=value` (split at the first '='); after it, every word is an argument of init.
 *
 * Invariants: every word is copied, unquoted and NUL-terminated, into out->buf, whose writes are
 * bounds-checked one by one (the unquoted copy of n input bytes takes at most n+1 bytes, and
 * the input window is CMDLINE_BUF_SIZE bytes, but hostile input gets a status, never an
 * overflow). init_argv is NULL-terminated whatever happens. When several problems occur, the
 * status is the first one met; parsing goes on with what still fits.
 */
#include "kernel/cmdline.h"

#include "kernel/lib/string.h"

typedef struct {
    const char *src;
    size_t len, pos;
    char *buf;
    size_t used;
    cmdline_status_t status;
} cmdline_lexer_t;

static void lexer_note(cmdline_lexer_t *lx, cmdline_status_t st)
{
    if (lx->status == CMDLINE_OK)
        lx->status = st;
}

static int is_separator(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Appends one byte of the current word, always leaving room for its NUL. */
static void lexer_put(cmdline_lexer_t *lx, char c)
{
    if (lx->used < CMDLINE_BUF_SIZE - 1)
        lx->buf[lx->used++] = c;
    else
        lexer_note(lx, CMDLINE_TOO_LONG);
}

/* Handles one input byte c of a word; returns 1 when c ended the word. */
static int lexer_step(cmdline_lexer_t *lx, char c, char *quote, int *plain)
{
    if (*quote == '\'') {
        if (c == '\'')
            *quote = 0;
        else
            lexer_put(lx, c);
        return 0;
    }
    if (c == '\\') {
        *plain = 0;
        lexer_put(lx, lx->pos < lx->len ? lx->src[lx->pos++] : '\\');
        return 0;
    }
    if (*quote == '"') {
        if (c == '"')
            *quote = 0;
        else
            lexer_put(lx, c);
        return 0;
    }
    if (c == '"' || c == '\'') {
        *quote = c;
        *plain = 0;
        return 0;
    }
    if (is_separator(c))
        return 1;
    lexer_put(lx, c);
    return 0;
}

/*
 * Copies the next word into buf and returns it, or NULL at the end of the input or when buf is
 * full. *plain is set when the word had no quote or backslash (so `"--"` is not the separator).
 */
static char *lexer_next_word(cmdline_lexer_t *lx, int *plain)
{
    while (lx->pos < lx->len && is_separator(lx->src[lx->pos]))
        lx->pos++;
    if (lx->pos >= lx->len)
        return NULL;
    if (lx->used >= CMDLINE_BUF_SIZE) {
        lexer_note(lx, CMDLINE_TOO_LONG);
        return NULL;
    }
    char *word = lx->buf + lx->used;
    char quote = 0;
    *plain = 1;
    while (lx->pos < lx->len && !lexer_step(lx, lx->src[lx->pos++], &quote, plain))
        ;
    if (quote)
        lexer_note(lx, CMDLINE_UNTERMINATED);
    lx->buf[lx->used++] = 0; /* fits: lexer_put kept one byte free */
    return word;
}

static void cmdline_add_flag(cmdline_t *c, cmdline_lexer_t *lx, char *word)
{
    if (word[0] == 0 || word[0] == '=')
        return; /* no key: nothing anyone could look up */
    if (c->flag_count >= CMDLINE_MAX_FLAGS) {
        lexer_note(lx, CMDLINE_TOO_MANY);
        return;
    }
    char *eq = strchr(word, '=');
    const char *value = "";
    if (eq) {
        *eq = 0;
        value = eq + 1;
    }
    c->flags[c->flag_count++] = (cmdline_flag_t){ .key = word, .value = value };
}

static void cmdline_add_arg(cmdline_t *c, cmdline_lexer_t *lx, char *word)
{
    if (c->init_argc >= CMDLINE_MAX_ARGS) {
        lexer_note(lx, CMDLINE_TOO_MANY);
        return;
    }
    c->init_argv[c->init_argc++] = word;
}

cmdline_status_t cmdline_parse(const char *src, cmdline_t *out)
{
    out->flag_count = 0;
    out->init_argc = 0;
    out->init_argv[0] = NULL;
    if (!src)
        return CMDLINE_OK;
    cmdline_lexer_t lx = { .src = src, .buf = out->buf };
    lx.len = strnlen(src, CMDLINE_BUF_SIZE);
    if (lx.len == CMDLINE_BUF_SIZE)
        lexer_note(&lx, CMDLINE_TOO_LONG); /* no NUL in the window: parse what we may read */
    int in_argv = 0, plain;
    char *word;
    while ((word = lexer_next_word(&lx, &plain)) != NULL) {
        if (!in_argv && plain && strcmp(word, "--") == 0)
            in_argv = 1;
        else if (in_argv)
            cmdline_add_arg(out, &lx, word);
        else
            cmdline_add_flag(out, &lx, word);
    }
    out->init_argv[out->init_argc] = NULL;
    return lx.status;
}

/* Later flags override earlier ones, so the last match wins. */
static const cmdline_flag_t *cmdline_find(const cmdline_t *c, const char *key)
{
    for (size_t i = c->flag_count; i > 0; i--) {
        if (strcmp(c->flags[i - 1].key, key) == 0)
            return &c->flags[i - 1];
    }
    return NULL;
}

bool cmdline_has(const cmdline_t *c, const char *key)
{
    return cmdline_find(c, key) != NULL;
}

const char *cmdline_get(const cmdline_t *c, const char *key)
{
    const cmdline_flag_t *f = cmdline_find(c, key);
    return f ? f->value : NULL;
}
