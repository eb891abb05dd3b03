/*
 * stdio.h - buffered streams on fds. stdout is line-buffered (flushed at '\n'), stderr is
 * unbuffered, stdin is read through a buffer. Formatting is the kernel's engine
 * (kernel/lib/format.c: %d %i %u %x %X %o %c %s %p %% with flags, width, precision and
 * hh h l ll z t j; no floating point). All open streams are flushed by exit().
 */
#ifndef _STDIO_H
#define _STDIO_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

#define EOF (-1)
#define BUFSIZ 1024

typedef struct spindle_file FILE;

extern FILE *stdin;
extern FILE *stdout;
extern FILE *stderr;

int fputc(int c, FILE *f);
int putc(int c, FILE *f);
int putchar(int c);
int fputs(const char *s, FILE *f);
int puts(const char *s);
size_t fwrite(const void *p, size_t size, size_t n, FILE *f);
int fflush(FILE *f);

int fgetc(FILE *f);
int getc(FILE *f);
int getchar(void);
char *fgets(char *s, int size, FILE *f);
size_t fread(void *p, size_t size, size_t n, FILE *f);

int feof(FILE *f);
int ferror(FILE *f);
void clearerr(FILE *f);
int fileno(FILE *f);

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fprintf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vprintf(const char *fmt, va_list ap);
int vfprintf(FILE *f, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

void perror(const char *s);

/* Streams on files: fully buffered, flushed by fflush, fclose and exit. Modes r w a, each
 * with an optional '+' (and 'b', ignored). */
FILE *fopen(const char *path, const char *mode);
FILE *fdopen(int fd, const char *mode);
int fclose(FILE *f);
int fseek(FILE *f, long offset, int whence);
long ftell(FILE *f);

#endif
