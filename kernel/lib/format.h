/*
 * format.h - printf-style formatting with no libc, used by kprintf, snprintf and the
 * user runtime. Supports %d %i %u %x %X %o %c %s %p %% with flags '-', '0', ' ', '+', '#',
 * field width and precision (also '*'), and length modifiers hh h l ll z t j.
 * Output goes through a sink callback, so nothing is allocated.
 */
#ifndef KERNEL_LIB_FORMAT_H
#define KERNEL_LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*format_sink_t)(void *ctx, const char *s, size_t n);

/* Returns the number of characters produced. */
size_t format_v(format_sink_t sink, void *ctx, const char *fmt, va_list ap);

/* C99 semantics: always terminates when size > 0, returns the length the full output needs. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
