/*
 * stdio.c - buffered streams on fds 0, 1, 2 (see stdio.h).
 *
 * Output: a stream holds pending bytes in buf[0..len). Line-buffered streams flush when a
 * '\n' was written, unbuffered ones (stderr) write every call straight through (after any
 * pending bytes). Input: buf[pos..len) are read but not yet consumed; reading a line-buffered
 * input stream first flushes stdout, so prompts appear before the program waits.
 * Invariant: a stream is either writing or reading (len == 0 when switching).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "kernel/lib/format.h"
#include "libc_internal.h"

enum { STREAM_UNBUF, STREAM_LINEBUF, STREAM_FULLBUF };
enum { STREAM_EOF = 1, STREAM_ERR = 2 };

struct spindle_file {
    int fd;
    int mode;
    int state; /* STREAM_EOF | STREAM_ERR */
    char *buf;
    size_t cap;
    size_t len;
    size_t pos;
    struct spindle_file *next; /* fopen'ed streams (file_stream.c), flushed by exit */
};

static char stdin_buf[BUFSIZ];
static char stdout_buf[BUFSIZ];

static FILE std_streams[3] = {
    { .fd = 0, .mode = STREAM_LINEBUF, .buf = stdin_buf, .cap = sizeof(stdin_buf) },
    { .fd = 1, .mode = STREAM_LINEBUF, .buf = stdout_buf, .cap = sizeof(stdout_buf) },
    { .fd = 2, .mode = STREAM_UNBUF },
};

FILE *stdio_open_streams;
FILE *stdin = &std_streams[0];
FILE *stdout = &std_streams[1];
FILE *stderr = &std_streams[2];

static int stream_flush(FILE *f)
{
    if (f->len == 0 || f->pos != 0)
        return 0; /* nothing pending, or the buffer holds input */
    size_t n = f->len;
    f->len = 0;
    if (libc_write_all(f->fd, f->buf, n) < 0) {
        f->state |= STREAM_ERR;
        return EOF;
    }
    return 0;
}

/* Appends n bytes to f's output; returns 0 or EOF. */
static int stream_write(FILE *f, const char *s, size_t n)
{
    if (f->mode == STREAM_UNBUF || n >= f->cap) {
        if (stream_flush(f) == EOF)
            return EOF;
        if (libc_write_all(f->fd, s, n) < 0) {
            f->state |= STREAM_ERR;
            return EOF;
        }
        return 0;
    }
    if (f->len + n > f->cap && stream_flush(f) == EOF)
        return EOF;
    memcpy(f->buf + f->len, s, n);
    f->len += n;
    if (f->len == f->cap || (f->mode == STREAM_LINEBUF && memchr(s, '\n', n)))
        return stream_flush(f);
    return 0;
}

int fflush(FILE *f)
{
    if (f)
        return stream_flush(f);
    stdio_flush_all();
    return 0;
}

void stdio_flush_all(void)
{
    for (size_t i = 0; i < sizeof(std_streams) / sizeof(std_streams[0]); i++)
        stream_flush(&std_streams[i]);
    for (FILE *f = stdio_open_streams; f; f = f->next)
        stream_flush(f);
}

size_t fwrite(const void *p, size_t size, size_t n, FILE *f)
{
    if (size == 0 || n == 0)
        return 0;
    if (n > (size_t)-1 / size)
        return 0;
    return stream_write(f, p, size * n) == EOF ? 0 : n;
}

int fputc(int c, FILE *f)
{
    char ch = (char)c;
    return stream_write(f, &ch, 1) == EOF ? EOF : (unsigned char)ch;
}

int putc(int c, FILE *f)
{
    return fputc(c, f);
}

int putchar(int c)
{
    return fputc(c, stdout);
}

int fputs(const char *s, FILE *f)
{
    return stream_write(f, s, strlen(s)) == EOF ? EOF : 0;
}

int puts(const char *s)
{
    if (fputs(s, stdout) == EOF)
        return EOF;
    return fputc('\n', stdout) == EOF ? EOF : 0;
}

typedef struct {
    FILE *f;
    int failed;
} stream_sink_t;

static void stream_sink(void *ctx, const char *s, size_t n)
{
    stream_sink_t *k = ctx;
    if (!k->failed && stream_write(k->f, s, n) == EOF)
        k->failed = 1;
}

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
    stream_sink_t k = { .f = f };
    size_t n = format_v(stream_sink, &k, fmt, ap);
    if (k.failed || n > 0x7fffffff)
        return -1;
    return (int)n;
}

int fprintf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(f, fmt, ap);
    va_end(ap);
    return n;
}

int vprintf(const char *fmt, va_list ap)
{
    return vfprintf(stdout, fmt, ap);
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(stdout, fmt, ap);
    va_end(ap);
    return n;
}

void perror(const char *s)
{
    int code = errno;
    if (s && *s)
        fprintf(stderr, "%s: %s\n", s, strerror(code));
    else
        fprintf(stderr, "%s\n", strerror(code));
}

/* Refills f's input buffer; returns 0, or EOF at end of file or on error. */
static int stream_fill(FILE *f)
{
    if (f->mode == STREAM_LINEBUF)
        stream_flush(stdout);
    if (f->cap == 0) /* unbuffered input is not used by the standard streams */
        return EOF;
    ssize_t r = read(f->fd, f->buf, f->cap);
    if (r <= 0) {
        f->state |= r == 0 ? STREAM_EOF : STREAM_ERR;
        return EOF;
    }
    f->pos = 0;
    f->len = (size_t)r;
    return 0;
}

int fgetc(FILE *f)
{
    if (f->pos >= f->len) {
        f->pos = f->len = 0;
        if (stream_fill(f) == EOF)
            return EOF;
    }
    int c = (unsigned char)f->buf[f->pos++];
    if (f->pos == f->len)
        f->pos = f->len = 0; /* keep the "reading" state only while bytes are buffered */
    return c;
}

int getc(FILE *f)
{
    return fgetc(f);
}

int getchar(void)
{
    return fgetc(stdin);
}

char *fgets(char *s, int size, FILE *f)
{
    if (size <= 0)
        return NULL;
    int i = 0;
    while (i < size - 1) {
        int c = fgetc(f);
        if (c == EOF)
            break;
        s[i++] = (char)c;
        if (c == '\n')
            break;
    }
    if (i == 0)
        return NULL;
    s[i] = 0;
    return s;
}

size_t fread(void *p, size_t size, size_t n, FILE *f)
{
    if (size == 0 || n == 0 || n > (size_t)-1 / size)
        return 0;
    unsigned char *d = p;
    size_t total = size * n, got = 0;
    while (got < total) {
        int c = fgetc(f);
        if (c == EOF)
            break;
        d[got++] = (unsigned char)c;
    }
    return got / size;
}

int feof(FILE *f)
{
    return (f->state & STREAM_EOF) != 0;
}

int ferror(FILE *f)
{
    return (f->state & STREAM_ERR) != 0;
}

void clearerr(FILE *f)
{
    f->state = 0;
}

int fileno(FILE *f)
{
    return f->fd;
}

/* ---------------------------------------------------------------- fopen'ed streams */

static int stream_open_flags(const char *mode, int *flags)
{
    int plus = strchr(mode, '+') != NULL;
    switch (mode[0]) {
    case 'r': *flags = plus ? O_RDWR : O_RDONLY; return 0;
    case 'w': *flags = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_TRUNC; return 0;
    case 'a': *flags = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_APPEND; return 0;
    default: return -1;
    }
}

FILE *fdopen(int fd, const char *mode)
{
    FILE *f = calloc(1, sizeof *f);
    char *buf = malloc(BUFSIZ);
    if (!f || !buf) {
        free(f);
        free(buf);
        errno = ENOMEM;
        return NULL;
    }
    (void)mode;
    f->fd = fd;
    f->mode = STREAM_FULLBUF;
    f->buf = buf;
    f->cap = BUFSIZ;
    f->next = stdio_open_streams;
    stdio_open_streams = f;
    return f;
}

FILE *fopen(const char *path, const char *mode)
{
    int flags;
    if (stream_open_flags(mode, &flags) < 0) {
        errno = EINVAL;
        return NULL;
    }
    int fd = open(path, flags);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, mode);
    if (!f)
        close(fd);
    return f;
}

int fclose(FILE *f)
{
    int r = stream_flush(f);
    for (FILE **pp = &stdio_open_streams; *pp; pp = &(*pp)->next) {
        if (*pp == f) {
            *pp = f->next;
            break;
        }
    }
    if (close(f->fd) < 0)
        r = EOF;
    if (f >= std_streams && f < std_streams + 3)
        return r;
    free(f->buf);
    free(f);
    return r;
}

int fseek(FILE *f, long offset, int whence)
{
    if (stream_flush(f) == EOF)
        return -1;
    if (f->pos < f->len && whence == SEEK_CUR)
        offset -= (long)(f->len - f->pos); /* bytes read ahead but not consumed */
    f->pos = f->len = 0;
    f->state &= ~STREAM_EOF;
    return lseek(f->fd, offset, whence) < 0 ? -1 : 0;
}

long ftell(FILE *f)
{
    long at = lseek(f->fd, 0, SEEK_CUR);
    if (at < 0)
        return -1;
    if (f->pos < f->len)
        return at - (long)(f->len - f->pos);
    return at + (long)f->len; /* pending output */
}
