/* head - the first lines of each file (or stdin): head [-n N | -N] [FILE...], N = 10 by
 * default. Stops reading a file as soon as its N lines are out. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char buf[4096];

static int write_all(const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(1, p, n);
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int head_fd(int fd, long lines, const char *name)
{
    while (lines > 0) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n == 0)
            return 0;
        if (n < 0) {
            fprintf(stderr, "head: %s: %s\n", name, strerror(errno));
            return 1;
        }
        size_t keep = 0;
        while (keep < (size_t)n && lines > 0)
            if (buf[keep++] == '\n')
                lines--;
        if (write_all(buf, keep) < 0)
            return 1;
    }
    return 0;
}

static int parse_count(const char *s, long *v)
{
    char *end;
    *v = strtol(s, &end, 10);
    return *s != '\0' && *end == '\0' && *v >= 0;
}

int main(int argc, char **argv)
{
    long lines = 10;
    int i = 1, failed = 0;
    if (i < argc && strcmp(argv[i], "-n") == 0) {
        if (i + 1 >= argc || !parse_count(argv[i + 1], &lines)) {
            fprintf(stderr, "usage: head [-n N | -N] [FILE...]\n");
            return 2;
        }
        i += 2;
    } else if (i < argc && argv[i][0] == '-' && argv[i][1]) {
        if (!parse_count(argv[i] + 1, &lines)) {
            fprintf(stderr, "usage: head [-n N | -N] [FILE...]\n");
            return 2;
        }
        i++;
    }
    if (i == argc)
        return head_fd(0, lines, "stdin");
    for (int first = i; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            fprintf(stderr, "head: %s: %s\n", argv[i], strerror(errno));
            failed = 1;
            continue;
        }
        if (argc - first > 1) {
            printf("%s==> %s <==\n", i > first ? "\n" : "", argv[i]);
            fflush(stdout);
        }
        failed |= head_fd(fd, lines, argv[i]);
        close(fd);
    }
    return failed;
}
