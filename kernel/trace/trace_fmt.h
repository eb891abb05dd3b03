/*
 * trace_fmt.h - the line builder of the tracer: bounded appends of text, numbers, quoted
 * and escaped strings, flag names and durations into a fixed buffer. Pure code (no user
 * memory, no locks), host-tested in test/host/test_trace_fmt.c.
 *
 * Invariant: buf is always NUL-terminated and len < cap; an append that does not fit is cut
 * and marks the builder full (later appends are dropped), so a line can be too short but
 * never overrun.
 */
#ifndef KERNEL_TRACE_TRACE_FMT_H
#define KERNEL_TRACE_TRACE_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <spindle/syscall_meta.h>

#define TRACE_STR_MAX 32 /* characters of a string or buffer shown before "..." */

typedef struct {
    char *buf;
    size_t len;
    size_t cap;
    bool full;
} trace_buf_t;

void tb_init(trace_buf_t *b, char *buf, size_t cap);
void tb_putc(trace_buf_t *b, char c);
void tb_puts(trace_buf_t *b, const char *s);
void tb_putn(trace_buf_t *b, const char *s, size_t n);
void tb_dec(trace_buf_t *b, int64_t v);
void tb_udec(trace_buf_t *b, uint64_t v);
void tb_hex(trace_buf_t *b, uint64_t v);         /* 0x1f */
void tb_pointer(trace_buf_t *b, uint64_t v);     /* NULL or 0x... */
/* "text" with C escapes for n bytes of s, then ... when cut (more bytes existed). */
void tb_quoted(trace_buf_t *b, const char *s, size_t n, bool cut);
/* Names of the flags table that apply to v joined by |, leftover bits as hex; "0" if none. */
void tb_flags(trace_buf_t *b, const syscall_flag_name_t *names, uint64_t v);
/* Seconds with 6 decimals: 12.345678 */
void tb_seconds(trace_buf_t *b, uint64_t ns);
/* <4.2us>, <1.234ms>, <2.500000s> */
void tb_duration(trace_buf_t *b, uint64_t ns);
/* Error name (ENOENT), or E<number> for a code not in errno.h. */
void tb_errno(trace_buf_t *b, uint64_t code);

#endif
