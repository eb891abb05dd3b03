/* hexdump - bytes of each file (or stdin) in hex and as text, 16 per line, in the layout
 * of `hexdump -C`: offset, two groups of eight bytes, |printable text|, final offset. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static unsigned char line[16];
static size_t line_len;
static unsigned long offset;

static void flush_line(void)
{
    if (line_len == 0)
        return;
    printf("%08lx ", offset);
    for (size_t i = 0; i < 16; i++) {
        if (i == 8)
            putchar(' ');
        if (i < line_len)
            printf(" %02x", line[i]);
        else
            printf("   ");
    }
    printf("  |");
    for (size_t i = 0; i < line_len; i++)
        putchar(line[i] >= 0x20 && line[i] < 0x7f ? line[i] : '.');
    printf("|\n");
    offset += line_len;
    line_len = 0;
}

static int dump_fd(int fd, const char *name)
{
    unsigned char buf[4096];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n == 0)
            return 0;
        if (n < 0) {
            fprintf(stderr, "hexdump: %s: %s\n", name, strerror(errno));
            return 1;
        }
        for (ssize_t i = 0; i < n; i++) {
            line[line_len++] = buf[i];
            if (line_len == 16)
                flush_line();
        }
    }
}

int main(int argc, char **argv)
{
    int failed = 0;
    if (argc < 2) {
        failed = dump_fd(0, "stdin");
    }
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            fprintf(stderr, "hexdump: %s: %s\n", argv[i], strerror(errno));
            failed = 1;
            continue;
        }
        failed |= dump_fd(fd, argv[i]);
        close(fd);
    }
    flush_line();
    if (offset)
        printf("%08lx\n", offset);
    return failed;
}
