/*
 * cmdline.h - the kernel command line: `key` and `key=value` flags, then after `--` the
 * argv of init, split the way a shell would (double quotes group words, backslash escapes).
 * Parsing is portable (host-tested) and allocation-free: words are copied into the
 * cmdline_t's own buffer.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#define CMDLINE_MAX_FLAGS 32
#define CMDLINE_MAX_ARGS  32
#define CMDLINE_BUF_SIZE  4096

typedef struct {
    const char *key;
    const char *value; /* "" for a bare flag */
} cmdline_flag_t;

typedef struct {
    cmdline_flag_t flags[CMDLINE_MAX_FLAGS];
    size_t flag_count;
    const char *init_argv[CMDLINE_MAX_ARGS + 1]; /* NULL-terminated */
    size_t init_argc;
    char buf[CMDLINE_BUF_SIZE];
} cmdline_t;

typedef enum {
    CMDLINE_OK = 0,
    CMDLINE_TOO_LONG,       /* input or words do not fit buf */
    CMDLINE_TOO_MANY,       /* more flags or arguments than the arrays hold */
    CMDLINE_UNTERMINATED,   /* a quote was left open (the rest is still taken as one word) */
} cmdline_status_t;

/* Parses src (NUL-terminated, at most CMDLINE_BUF_SIZE bytes read). Always leaves *out usable. */
cmdline_status_t cmdline_parse(const char *src, cmdline_t *out);
bool cmdline_has(const cmdline_t *c, const char *key);
/* Returns the value of key, or NULL when absent. */
const char *cmdline_get(const cmdline_t *c, const char *key);

/* The kernel's parsed command line (filled once at boot by kernel_main). */
extern cmdline_t kernel_cmdline;

#endif
