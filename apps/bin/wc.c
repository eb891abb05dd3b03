/* wc - counts lines, words and bytes of each file (or stdin): wc [-l] [-w] [-c] [FILE...];
 * with no option all three, in that order; a total line when there are several files. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    unsigned long lines, words, bytes;
} counts_t;

static int show_lines, show_words, show_bytes;
static char buf[8192];

static int count_fd(int fd, counts_t *c)
{
    int in_word = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0)
            return (int)n;
        c->bytes += (unsigned long)n;
        for (ssize_t i = 0; i < n; i++) {
            char ch = buf[i];
            int blank = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\v' ||
                        ch == '\f';
            if (ch == '\n')
                c->lines++;
            if (!blank && !in_word)
                c->words++;
            in_word = !blank;
        }
    }
}

static void print_counts(const counts_t *c, const char *name)
{
    const char *sep = "";
    if (show_lines) {
        printf("%lu", c->lines);
        sep = " ";
    }
    if (show_words) {
        printf("%s%lu", sep, c->words);
        sep = " ";
    }
    if (show_bytes)
        printf("%s%lu", sep, c->bytes);
    if (name)
        printf(" %s", name);
    putchar('\n');
}

int main(int argc, char **argv)
{
    int i = 1, failed = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'l') show_lines = 1;
            else if (*o == 'w') show_words = 1;
            else if (*o == 'c') show_bytes = 1;
            else {
                fprintf(stderr, "wc: unknown option -%c (usage: wc [-lwc] [FILE...])\n", *o);
                return 2;
            }
        }
    }
    if (!show_lines && !show_words && !show_bytes)
        show_lines = show_words = show_bytes = 1;
    if (i == argc) {
        counts_t c = { 0 };
        if (count_fd(0, &c) < 0) {
            fprintf(stderr, "wc: stdin: %s\n", strerror(errno));
            return 1;
        }
        print_counts(&c, NULL);
        return 0;
    }
    counts_t total = { 0 };
    int files = argc - i;
    for (; i < argc; i++) {
        counts_t c = { 0 };
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0 || count_fd(fd, &c) < 0) {
            fprintf(stderr, "wc: %s: %s\n", argv[i], strerror(errno));
            failed = 1;
        } else {
            print_counts(&c, argv[i]);
        }
        if (fd >= 0)
            close(fd);
        total.lines += c.lines;
        total.words += c.words;
        total.bytes += c.bytes;
    }
    if (files > 1)
        print_counts(&total, "total");
    return failed;
}
