/*
 * parse.c - tokenizer and recursive-descent parser for one shell line (grammar in parse.h).
 *
 * The tokenizer copies each word, with quotes removed and $? / $$ expanded, into the
 * result's text area; a word is therefore never longer than what is left of SH_TEXT_MAX.
 * Every limit (words, commands, redirections, text) is checked and reported as an error
 * the user can read, never truncated silently.
 */
#include <string.h>
#include "parse.h"


#include <stdio.h>

#define sh_snprintf snprintf

typedef enum {
    TOK_END,
    TOK_WORD,
    TOK_PIPE,
    TOK_AND,
    TOK_OR,
    TOK_SEMI,
    TOK_BG,
    TOK_REDIR, /* kind in parser_t.redir */
} tok_kind_t;

typedef struct {
    const char *src;
    size_t pos;
    const sh_vars_t *vars;
    sh_line_t *out;
    char *err;
    size_t err_size;
    int failed;
    tok_kind_t kind;
    sh_redir_kind_t redir;
    const char *word;   /* TOK_WORD: its copy in out->text */
    size_t tok_start;   /* where the current token begins in src */
    size_t tok_end;
} parser_t;

static void parse_error(parser_t *p, const char *msg)
{
    if (!p->failed)
        sh_snprintf(p->err, p->err_size, "%s", msg);
    p->failed = 1;
}

/* "syntax error near `TOKEN'" for the current token. */
static void parse_error_near(parser_t *p)
{
    if (p->failed)
        return;
    if (p->kind == TOK_END) {
        sh_snprintf(p->err, p->err_size, "syntax error: unexpected end of line");
    } else {
        int n = (int)(p->tok_end - p->tok_start);
        sh_snprintf(p->err, p->err_size, "syntax error near `%.*s'", n, p->src + p->tok_start);
    }
    p->failed = 1;
}

static int text_put(parser_t *p, char c)
{
    if (p->out->text_used >= SH_TEXT_MAX) {
        parse_error(p, "line too long");
        return -1;
    }
    p->out->text[p->out->text_used++] = c;
    return 0;
}

static int text_put_number(parser_t *p, int v)
{
    char digits[16];
    int n = sh_snprintf(digits, sizeof digits, "%d", v);
    for (int i = 0; i < n; i++)
        if (text_put(p, digits[i]) < 0)
            return -1;
    return 0;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_operator_char(char c)
{
    return c == '|' || c == '&' || c == ';' || c == '<' || c == '>';
}

/* $?, $$ or $! at src[pos] (pos at the '$'): appends the value and returns the characters
 * used, or 0 when this '$' is literal. */
static size_t lex_dollar(parser_t *p)
{
    char c = p->src[p->pos + 1];
    if (c == '!' && p->vars->last_bg <= 0)
        return 2;
    if (c == '!')
        return text_put_number(p, p->vars->last_bg) < 0 ? 0 : 2;
    if (c == '?')
        return text_put_number(p, p->vars->last_status) < 0 ? 0 : 2;
    if (c == '$')
        return text_put_number(p, p->vars->pid) < 0 ? 0 : 2;
    return 0;
}

/* Inside "...": pos just after the opening quote; leaves pos after the closing one. */
static int lex_double_quoted(parser_t *p)
{
    for (;;) {
        char c = p->src[p->pos];
        if (c == '\0') {
            parse_error(p, "unterminated double quote");
            return -1;
        }
        if (c == '"') {
            p->pos++;
            return 0;
        }
        if (c == '\\' && (p->src[p->pos + 1] == '"' || p->src[p->pos + 1] == '\\' ||
                          p->src[p->pos + 1] == '$')) {
            c = p->src[p->pos + 1];
            p->pos += 2;
        } else if (c == '$') {
            size_t used = lex_dollar(p);
            if (p->failed)
                return -1;
            if (used) {
                p->pos += used;
                continue;
            }
            p->pos++;
        } else {
            p->pos++;
        }
        if (text_put(p, c) < 0)
            return -1;
    }
}

static int lex_single_quoted(parser_t *p)
{
    for (;;) {
        char c = p->src[p->pos];
        if (c == '\0') {
            parse_error(p, "unterminated single quote");
            return -1;
        }
        p->pos++;
        if (c == '\'')
            return 0;
        if (text_put(p, c) < 0)
            return -1;
    }
}

/* A word starting at pos: copies it (NUL-terminated) into the text area. */
static int lex_word(parser_t *p)
{
    p->word = p->out->text + p->out->text_used;
    for (;;) {
        char c = p->src[p->pos];
        if (c == '\0' || is_blank(c) || is_operator_char(c))
            break;
        int r = 0;
        if (c == '\'') {
            p->pos++;
            r = lex_single_quoted(p);
        } else if (c == '"') {
            p->pos++;
            r = lex_double_quoted(p);
        } else if (c == '\\') {
            if (p->src[p->pos + 1] == '\0') {
                p->pos++; /* a trailing backslash is dropped */
                continue;
            }
            r = text_put(p, p->src[p->pos + 1]);
            p->pos += 2;
        } else if (c == '$' && lex_dollar(p)) {
            p->pos += 2;
        } else {
            r = p->failed ? -1 : text_put(p, c);
            p->pos++;
        }
        if (r < 0 || p->failed)
            return -1;
    }
    return text_put(p, '\0');
}

/* Redirection operators; pos at '<', '>' or at the digit of "2>". */
static void lex_redirect(parser_t *p)
{
    const char *s = p->src + p->pos;
    if (s[0] == '<') {
        p->redir = SH_REDIR_IN;
        p->pos += 1;
    } else if (s[0] == '2' && s[1] == '>' && s[2] == '&' && s[3] == '1') {
        p->redir = SH_REDIR_ERR_TO_OUT;
        p->pos += 4;
    } else if (s[0] == '2' && s[1] == '>' && s[2] == '>') {
        p->redir = SH_REDIR_ERR_APPEND;
        p->pos += 3;
    } else if (s[0] == '2') {
        p->redir = SH_REDIR_ERR;
        p->pos += 2;
    } else if (s[0] == '>' && s[1] == '&' && s[2] == '2') {
        p->redir = SH_REDIR_OUT_TO_ERR;
        p->pos += 3;
    } else if (s[0] == '>' && s[1] == '>') {
        p->redir = SH_REDIR_APPEND;
        p->pos += 2;
    } else {
        p->redir = SH_REDIR_OUT;
        p->pos += 1;
    }
    p->kind = TOK_REDIR;
}

/* Reads the next token into p->kind (and p->word / p->redir). */
static void lex_next(parser_t *p)
{
    while (is_blank(p->src[p->pos]))
        p->pos++;
    p->tok_start = p->pos;
    const char *s = p->src + p->pos;
    if (s[0] == '\0' || s[0] == '#') {
        p->kind = TOK_END;
    } else if (s[0] == '|' && s[1] == '|') {
        p->kind = TOK_OR;
        p->pos += 2;
    } else if (s[0] == '|') {
        p->kind = TOK_PIPE;
        p->pos += 1;
    } else if (s[0] == '&' && s[1] == '&') {
        p->kind = TOK_AND;
        p->pos += 2;
    } else if (s[0] == '&') {
        p->kind = TOK_BG;
        p->pos += 1;
    } else if (s[0] == ';') {
        p->kind = TOK_SEMI;
        p->pos += 1;
    } else if (s[0] == '<' || s[0] == '>' || (s[0] == '2' && s[1] == '>')) {
        lex_redirect(p);
    } else {
        p->kind = TOK_WORD;
        lex_word(p);
    }
    p->tok_end = p->pos;
    if (p->failed)
        p->kind = TOK_END;
}

static const char *redir_name(sh_redir_kind_t k)
{
    switch (k) {
    case SH_REDIR_IN: return "<";
    case SH_REDIR_OUT: return ">";
    case SH_REDIR_APPEND: return ">>";
    case SH_REDIR_ERR: return "2>";
    case SH_REDIR_ERR_APPEND: return "2>>";
    default: return "redirection";
    }
}

static void parse_redirect(parser_t *p, sh_command_t *cmd)
{
    sh_redir_kind_t kind = p->redir;
    if (cmd->nredirs >= SH_MAX_REDIRS) {
        parse_error(p, "too many redirections in one command");
        return;
    }
    const char *path = NULL;
    if (kind != SH_REDIR_ERR_TO_OUT && kind != SH_REDIR_OUT_TO_ERR) {
        lex_next(p);
        if (p->kind != TOK_WORD) {
            if (!p->failed)
                sh_snprintf(p->err, p->err_size, "missing file name after `%s'",
                            redir_name(kind));
            p->failed = 1;
            return;
        }
        path = p->word;
    }
    cmd->redirs[cmd->nredirs++] = (sh_redir_t){ kind, path };
    lex_next(p);
}

/* command := { word | redirect }+ with at least one word. */
static void parse_command(parser_t *p)
{
    sh_line_t *l = p->out;
    if (l->ncmds >= SH_MAX_CMDS) {
        parse_error(p, "too many commands in one line");
        return;
    }
    sh_command_t *cmd = &l->cmds[l->ncmds];
    memset(cmd, 0, sizeof *cmd);
    while (!p->failed && (p->kind == TOK_WORD || p->kind == TOK_REDIR)) {
        if (p->kind == TOK_REDIR) {
            parse_redirect(p, cmd);
            continue;
        }
        if (cmd->argc >= SH_MAX_ARGS) {
            parse_error(p, "too many arguments in one command");
            return;
        }
        cmd->argv[cmd->argc++] = p->word;
        lex_next(p);
    }
    if (p->failed)
        return;
    if (cmd->argc == 0) {
        if (cmd->nredirs > 0)
            parse_error(p, "missing command before the redirection's end");
        else
            parse_error_near(p);
        return;
    }
    cmd->argv[cmd->argc] = NULL;
    l->ncmds++;
}

static void parse_pipeline(parser_t *p)
{
    sh_line_t *l = p->out;
    if (l->npipelines >= SH_MAX_PIPELINES) {
        parse_error(p, "too many pipelines in one line");
        return;
    }
    sh_pipeline_t *pl = &l->pipelines[l->npipelines];
    pl->first = l->ncmds;
    pl->ncmds = 0;
    pl->next = SH_NEXT_END;
    pl->src_start = p->tok_start;
    for (;;) {
        parse_command(p);
        if (p->failed)
            return;
        pl->ncmds++;
        pl->src_end = p->tok_start;
        if (p->kind != TOK_PIPE)
            break;
        lex_next(p);
    }
    while (pl->src_end > pl->src_start && is_blank(p->src[pl->src_end - 1]))
        pl->src_end--;
    l->npipelines++;
}

int sh_parse(const char *line, const sh_vars_t *vars, sh_line_t *out, char *err,
             size_t err_size)
{
    parser_t p = { .src = line, .vars = vars, .out = out, .err = err, .err_size = err_size };
    out->ncmds = 0;
    out->npipelines = 0;
    out->text_used = 0;
    if (err_size)
        err[0] = '\0';
    lex_next(&p);
    while (!p.failed && p.kind != TOK_END) {
        parse_pipeline(&p);
        if (p.failed)
            break;
        sh_pipeline_t *pl = &out->pipelines[out->npipelines - 1];
        switch (p.kind) {
        case TOK_END: pl->next = SH_NEXT_END; break;
        case TOK_SEMI: pl->next = SH_NEXT_SEQ; break;
        case TOK_BG: pl->next = SH_NEXT_BG; break;
        case TOK_AND: pl->next = SH_NEXT_AND; break;
        case TOK_OR: pl->next = SH_NEXT_OR; break;
        default: parse_error_near(&p); continue;
        }
        if (p.kind == TOK_END)
            break;
        lex_next(&p);
        if ((pl->next == SH_NEXT_AND || pl->next == SH_NEXT_OR) && p.kind == TOK_END)
            parse_error_near(&p); /* "a &&" needs a right-hand side */
    }
    if (p.failed) {
        out->ncmds = 0;
        out->npipelines = 0;
        return -1;
    }
    return 0;
}

int sh_group_last(const sh_line_t *l, int first)
{
    int i = first;
    while (i < l->npipelines - 1 &&
           (l->pipelines[i].next == SH_NEXT_AND || l->pipelines[i].next == SH_NEXT_OR))
        i++;
    return i;
}
