/*
 * parse.h - the shell's command-line parser: one line of text in, a flat description of
 * what to run out. No allocation: every word is copied into the result's own text area, so
 * a sh_line_t is self-contained and the input line may be reused at once.
 *
 * Grammar (a subset of POSIX sh):
 *   line     := [ andor { (';' | '&') andor } [';' | '&'] ] [ '#' comment ]
 *   andor    := pipeline { ('&&' | '||') pipeline }
 *   pipeline := command { '|' command }
 *   command  := { word | redirect }+        (at least one word)
 *   redirect := '<' word | '>' word | '>>' word | '2>' word | '2>>' word | '2>&1' | '>&2'
 * Words: 'single quotes' are literal; "double quotes" keep \" \\ \$ and expand $?;
 * a backslash outside quotes takes the next character literally; outside single quotes $?
 * is the status of the previous command, $$ the shell's pid, $! the pid of the last
 * background command. '2>' is a redirection only when
 * "2" starts an unquoted word.
 *
 * The result is a list of pipelines (commands by index), each with the connector that
 * links it to the next one. An "and-or group" is a maximal run of pipelines joined by
 * && / ||; its last pipeline's connector (';', '&' or end) says whether the group runs in
 * the background.
 */
#ifndef SH_PARSE_H
#define SH_PARSE_H

#include <stddef.h>

#define SH_MAX_ARGS      64   /* words in one command */
#define SH_MAX_REDIRS    8    /* redirections in one command */
#define SH_MAX_CMDS      32   /* commands in one line */
#define SH_MAX_PIPELINES 32   /* pipelines in one line */
#define SH_TEXT_MAX      4096 /* bytes of word text (with NULs) in one line */

typedef enum {
    SH_REDIR_IN,         /* < path      fd 0 from path */
    SH_REDIR_OUT,        /* > path      fd 1 to path, truncated */
    SH_REDIR_APPEND,     /* >> path     fd 1 to path, appended */
    SH_REDIR_ERR,        /* 2> path     fd 2 to path, truncated */
    SH_REDIR_ERR_APPEND, /* 2>> path    fd 2 to path, appended */
    SH_REDIR_ERR_TO_OUT, /* 2>&1        fd 2 to wherever fd 1 goes now (path NULL) */
    SH_REDIR_OUT_TO_ERR, /* >&2         fd 1 to wherever fd 2 goes now (path NULL) */
} sh_redir_kind_t;

typedef struct {
    sh_redir_kind_t kind;
    const char *path;
} sh_redir_t;

typedef struct {
    int argc;
    const char *argv[SH_MAX_ARGS + 1]; /* NULL-terminated */
    int nredirs;
    sh_redir_t redirs[SH_MAX_REDIRS];
} sh_command_t;

typedef enum {
    SH_NEXT_END, /* last pipeline of the line */
    SH_NEXT_SEQ, /* ;  */
    SH_NEXT_BG,  /* &  */
    SH_NEXT_AND, /* && */
    SH_NEXT_OR,  /* || */
} sh_next_t;

typedef struct {
    int first;   /* index of its first command in sh_line_t.cmds */
    int ncmds;
    sh_next_t next;
    size_t src_start, src_end; /* its text in the source line: [start, end) */
} sh_pipeline_t;

typedef struct {
    int ncmds;
    sh_command_t cmds[SH_MAX_CMDS];
    int npipelines;
    sh_pipeline_t pipelines[SH_MAX_PIPELINES];
    size_t text_used;
    char text[SH_TEXT_MAX];
} sh_line_t;

typedef struct {
    int last_status; /* $? */
    int pid;         /* $$ */
    int last_bg;     /* $! (0: no background job yet, expands to nothing) */
} sh_vars_t;

/* Parses line (NUL-terminated). Returns 0 and fills *out (npipelines 0 for an empty or
 * comment-only line), or -1 with a message for the user in err (err_size bytes, NUL ended),
 * e.g. "syntax error near `|'". */
int sh_parse(const char *line, const sh_vars_t *vars, sh_line_t *out, char *err,
             size_t err_size);

/* The pipelines [first, last] of an and-or group: given the index of a group's first
 * pipeline, returns the index of its last one. */
int sh_group_last(const sh_line_t *l, int first);

#endif
