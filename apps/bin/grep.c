/*
 * grep - prints the lines that contain a fixed string: grep [-v] [-i] [-c] [-n] TEXT
 * [FILE...]. Exit status 0 when a line matched, 1 when none did, 2 on an error (POSIX).
 * Lines longer than the buffer are matched in pieces of GREP_LINE_MAX bytes.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define GREP_LINE_MAX 4096

static int opt_invert, opt_icase, opt_count, opt_number, show_names;
static const char *pattern;
static size_t pattern_len;

static int line_matches(const char *line, size_t n)
{
    if (pattern_len > n)
        return 0;
    for (size_t i = 0; i + pattern_len <= n; i++) {
        size_t k = 0;
        while (k < pattern_len &&
               (opt_icase ? tolower((unsigned char)line[i + k]) ==
                                tolower((unsigned char)pattern[k])
                          : line[i + k] == pattern[k]))
            k++;
        if (k == pattern_len)
            return 1;
    }
    return 0;
}

typedef struct {
    unsigned long matched, lineno;
} grep_state_t;

static void grep_line(grep_state_t *g, const char *line, size_t n, const char *name)
{
    g->lineno++;
    if (line_matches(line, n) == opt_invert)
        return;
    g->matched++;
    if (opt_count)
        return;
    if (show_names)
        printf("%s:", name);
    if (opt_number)
        printf("%lu:", g->lineno);
    fwrite(line, 1, n, stdout);
    putchar('\n');
}

static int grep_fd(int fd, const char *name, unsigned long *matched)
{
    static char buf[GREP_LINE_MAX];
    size_t len = 0;
    grep_state_t g = { 0, 0 };
    for (;;) {
        ssize_t n = read(fd, buf + len, sizeof buf - len);
        if (n < 0) {
            fprintf(stderr, "grep: %s: %s\n", name, strerror(errno));
            return -1;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        size_t start = 0;
        for (size_t i = 0; i < len; i++) {
            if (buf[i] == '\n') {
                grep_line(&g, buf + start, i - start, name);
                start = i + 1;
            }
        }
        if (start == 0 && len == sizeof buf) { /* no newline in a full buffer */
            grep_line(&g, buf, len, name);
            start = len;
        }
        memmove(buf, buf + start, len - start);
        len -= start;
    }
    if (len)
        grep_line(&g, buf, len, name);
    if (opt_count) {
        if (show_names)
            printf("%s:", name);
        printf("%lu\n", g.matched);
    }
    *matched += g.matched;
    return 0;
}

int main(int argc, char **argv)
{
    int i = 1, error = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'v') opt_invert = 1;
            else if (*o == 'i') opt_icase = 1;
            else if (*o == 'c') opt_count = 1;
            else if (*o == 'n') opt_number = 1;
            else {
                fprintf(stderr, "grep: unknown option -%c\n", *o);
                i = argc;
                break;
            }
        }
    }
    if (i >= argc) {
        fprintf(stderr, "usage: grep [-v] [-i] [-c] [-n] TEXT [FILE...]\n");
        return 2;
    }
    pattern = argv[i++];
    pattern_len = strlen(pattern);
    unsigned long matched = 0;
    if (i == argc) {
        error = grep_fd(0, "stdin", &matched) < 0;
    } else {
        show_names = argc - i > 1;
        for (; i < argc; i++) {
            int fd = open(argv[i], O_RDONLY);
            if (fd < 0) {
                fprintf(stderr, "grep: %s: %s\n", argv[i], strerror(errno));
                error = 1;
                continue;
            }
            if (grep_fd(fd, argv[i], &matched) < 0)
                error = 1;
            close(fd);
        }
    }
    fflush(stdout);
    return error ? 2 : matched ? 0 : 1;
}
