/*
 * trace_fmt.c - the tracer's bounded line builder (see trace_fmt.h). No allocation, no
 * kernel services: everything a line holds passes through here already copied into the
 * kernel, so this file can be tested on the host.
 */
#include "kernel/trace/trace_fmt.h"
#include <spindle/errno.h>

void tb_init(trace_buf_t *b, char *buf, size_t cap)
{
    b->buf = buf;
    b->cap = cap;
    b->len = 0;
    b->full = false;
    if (cap)
        buf[0] = '\0';
}

void tb_putc(trace_buf_t *b, char c)
{
    if (b->full || b->len + 1 >= b->cap) {
        b->full = true;
        return;
    }
    b->buf[b->len++] = c;
    b->buf[b->len] = '\0';
}

void tb_putn(trace_buf_t *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tb_putc(b, s[i]);
}

void tb_puts(trace_buf_t *b, const char *s)
{
    while (*s)
        tb_putc(b, *s++);
}

void tb_udec(trace_buf_t *b, uint64_t v)
{
    char tmp[20];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        tb_putc(b, tmp[--n]);
}

void tb_dec(trace_buf_t *b, int64_t v)
{
    if (v < 0) {
        tb_putc(b, '-');
        tb_udec(b, (uint64_t)0 - (uint64_t)v); /* INT64_MIN too */
        return;
    }
    tb_udec(b, (uint64_t)v);
}

void tb_hex(trace_buf_t *b, uint64_t v)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[16];
    int n = 0;
    do {
        tmp[n++] = digits[v & 0xf];
        v >>= 4;
    } while (v);
    tb_puts(b, "0x");
    while (n)
        tb_putc(b, tmp[--n]);
}

void tb_pointer(trace_buf_t *b, uint64_t v)
{
    if (v)
        tb_hex(b, v);
    else
        tb_puts(b, "NULL");
}

static void tb_escaped(trace_buf_t *b, unsigned char c)
{
    static const char digits[] = "0123456789abcdef";
    switch (c) {
    case '\n': tb_puts(b, "\\n"); return;
    case '\t': tb_puts(b, "\\t"); return;
    case '\r': tb_puts(b, "\\r"); return;
    case '"': tb_puts(b, "\\\""); return;
    case '\\': tb_puts(b, "\\\\"); return;
    default: break;
    }
    if (c >= 0x20 && c < 0x7f) {
        tb_putc(b, (char)c);
        return;
    }
    tb_puts(b, "\\x");
    tb_putc(b, digits[c >> 4]);
    tb_putc(b, digits[c & 0xf]);
}

void tb_quoted(trace_buf_t *b, const char *s, size_t n, bool cut)
{
    tb_putc(b, '"');
    for (size_t i = 0; i < n; i++)
        tb_escaped(b, (unsigned char)s[i]);
    tb_putc(b, '"');
    if (cut)
        tb_puts(b, "...");
}

void tb_flags(trace_buf_t *b, const syscall_flag_name_t *names, uint64_t v)
{
    uint64_t covered = 0;
    bool any = false;
    for (const syscall_flag_name_t *f = names; f && f->name; f++) {
        if ((v & f->mask) != f->value || (covered & f->mask))
            continue; /* the first name of a field wins (O_RDONLY, not a later alias) */
        if (any)
            tb_putc(b, '|');
        tb_puts(b, f->name);
        covered |= f->mask;
        any = true;
    }
    uint64_t rest = v & ~covered;
    if (rest || !any) {
        if (any)
            tb_putc(b, '|');
        if (rest)
            tb_hex(b, rest);
        else
            tb_putc(b, '0');
    }
}

/* v / unit with `decimals` digits after the point (truncated). */
static void tb_fixed(trace_buf_t *b, uint64_t v, uint64_t unit, int decimals)
{
    tb_udec(b, v / unit);
    tb_putc(b, '.');
    uint64_t frac = v % unit;
    for (int i = 0; i < decimals; i++) {
        unit /= 10;
        tb_putc(b, (char)('0' + (unit ? frac / unit % 10 : 0)));
    }
}

void tb_seconds(trace_buf_t *b, uint64_t ns)
{
    tb_fixed(b, ns, 1000000000ULL, 6);
}

void tb_duration(trace_buf_t *b, uint64_t ns)
{
    tb_putc(b, '<');
    if (ns < 1000000ULL) {
        tb_fixed(b, ns, 1000, 1);
        tb_puts(b, "us");
    } else if (ns < 1000000000ULL) {
        tb_fixed(b, ns, 1000000ULL, 3);
        tb_puts(b, "ms");
    } else {
        tb_fixed(b, ns, 1000000000ULL, 6);
        tb_putc(b, 's');
    }
    tb_putc(b, '>');
}

void tb_errno(trace_buf_t *b, uint64_t code)
{
    const char *name = code <= SPINDLE_ERRNO_MAX ? spindle_errno_name((int)code) : 0;
    if (name) {
        tb_puts(b, name);
        return;
    }
    tb_putc(b, 'E');
    tb_udec(b, code);
}
