/*
 * format.c - printf-style formatting into a sink (see format.h), shared by kprintf, snprintf
 * and the user runtime. No floating point (the kernel is built -mgeneral-regs-only), no %n.
 *
 * Output reaches the sink in runs (literal text, a whole converted number, padding in blocks of
 * FORMAT_PAD_CHUNK), never byte by byte, so a slow sink such as the console is called rarely.
 * Width and precision saturate at INT_MAX, so a hostile '*' argument cannot overflow the parser.
 * An unknown conversion is printed as written and consumes no argument.
 */
#include "kernel/lib/format.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

/* Host tests link libc, which owns snprintf: build ours as kformat_NAME there. */
#ifdef SPINDLE_HOST_TEST
#define FORMAT_FN(name) kformat_##name
#else
#define FORMAT_FN(name) name
#endif

#define FORMAT_PAD_CHUNK 16
#define FORMAT_NUM_MAX   24 /* 22 octal digits for 64 bits, plus slack */

typedef struct {
    format_sink_t sink;
    void *ctx;
    size_t count;
} format_out_t;

typedef struct {
    bool left, zero, space, plus, alt;
    int width;     /* 0 when absent */
    int precision; /* -1 when absent */
    char length;   /* 0, 'H' (hh), 'h', 'l', 'L' (ll), 'z', 't', 'j' */
    char conv;
} format_spec_t;

static void out_put(format_out_t *o, const char *s, size_t n)
{
    if (n == 0)
        return;
    o->sink(o->ctx, s, n);
    o->count += n;
}

static void out_pad(format_out_t *o, char c, size_t n)
{
    static const char spaces[FORMAT_PAD_CHUNK + 1] = "                ";
    static const char zeros[FORMAT_PAD_CHUNK + 1] = "0000000000000000";
    const char *block = c == '0' ? zeros : spaces;
    while (n > 0) {
        size_t k = n < FORMAT_PAD_CHUNK ? n : FORMAT_PAD_CHUNK;
        out_put(o, block, k);
        n -= k;
    }
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Reads a decimal number, saturating at INT_MAX. */
static int parse_int(const char **p)
{
    int v = 0;
    while (is_digit(**p)) {
        int d = **p - '0';
        v = v > (INT_MAX - d) / 10 ? INT_MAX : v * 10 + d;
        (*p)++;
    }
    return v;
}

static void parse_flags(const char **p, format_spec_t *sp)
{
    for (;; (*p)++) {
        switch (**p) {
        case '-': sp->left = true; break;
        case '0': sp->zero = true; break;
        case ' ': sp->space = true; break;
        case '+': sp->plus = true; break;
        case '#': sp->alt = true; break;
        default: return;
        }
    }
}

static void parse_length(const char **p, format_spec_t *sp)
{
    char c = **p;
    if (c == 'h' || c == 'l') {
        (*p)++;
        sp->length = c;
        if (**p == c) {
            (*p)++;
            sp->length = c == 'h' ? 'H' : 'L';
        }
    } else if (c == 'z' || c == 't' || c == 'j') {
        (*p)++;
        sp->length = c;
    }
}

/* Parses the spec after '%'; va_list is passed by pointer so '*' can consume arguments. */
static void parse_spec(const char **p, format_spec_t *sp, va_list *ap)
{
    *sp = (format_spec_t){ .precision = -1 };
    parse_flags(p, sp);
    if (**p == '*') {
        (*p)++;
        int w = va_arg(*ap, int);
        if (w < 0) {
            sp->left = true;
            w = w == INT_MIN ? INT_MAX : -w;
        }
        sp->width = w;
    } else {
        sp->width = parse_int(p);
    }
    if (**p == '.') {
        (*p)++;
        if (**p == '*') {
            (*p)++;
            int pr = va_arg(*ap, int);
            sp->precision = pr < 0 ? -1 : pr;
        } else {
            sp->precision = parse_int(p);
        }
    }
    parse_length(p, sp);
    sp->conv = **p;
    if (**p)
        (*p)++;
}

static uintmax_t arg_unsigned(const format_spec_t *sp, va_list *ap)
{
    switch (sp->length) {
    case 'H': return (unsigned char)va_arg(*ap, unsigned int);
    case 'h': return (unsigned short)va_arg(*ap, unsigned int);
    case 'l': return va_arg(*ap, unsigned long);
    case 'L': return va_arg(*ap, unsigned long long);
    case 'z': return va_arg(*ap, size_t);
    case 't': return (uintmax_t)va_arg(*ap, ptrdiff_t);
    case 'j': return va_arg(*ap, uintmax_t);
    default: return va_arg(*ap, unsigned int);
    }
}

static intmax_t arg_signed(const format_spec_t *sp, va_list *ap)
{
    switch (sp->length) {
    case 'H': return (signed char)va_arg(*ap, int);
    case 'h': return (short)va_arg(*ap, int);
    case 'l': return va_arg(*ap, long);
    case 'L': return va_arg(*ap, long long);
    case 'z': return (intmax_t)(ptrdiff_t)va_arg(*ap, size_t);
    case 't': return va_arg(*ap, ptrdiff_t);
    case 'j': return va_arg(*ap, intmax_t);
    default: return va_arg(*ap, int);
    }
}

/* Writes the digits of v right-aligned in buf[FORMAT_NUM_MAX]; returns the first digit. */
static char *digits_of(uintmax_t v, unsigned base, bool upper, char *buf)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char *p = buf + FORMAT_NUM_MAX;
    do {
        *--p = set[v % base];
        v /= base;
    } while (v);
    return p;
}

/* Emits prefix (sign or 0x) + zeros + digits, padded to the field width. */
static void emit_number(format_out_t *o, const format_spec_t *sp, const char *prefix,
                        const char *digits, size_t ndigits)
{
    size_t plen = 0;
    while (prefix[plen])
        plen++;
    size_t zeros = sp->precision > 0 && (size_t)sp->precision > ndigits
                       ? (size_t)sp->precision - ndigits : 0;
    size_t body = plen + zeros + ndigits;
    size_t pad = (size_t)sp->width > body ? (size_t)sp->width - body : 0;
    if (sp->zero && !sp->left && sp->precision < 0) {
        zeros += pad;
        pad = 0;
    }
    if (!sp->left)
        out_pad(o, ' ', pad);
    out_put(o, prefix, plen);
    out_pad(o, '0', zeros);
    out_put(o, digits, ndigits);
    if (sp->left)
        out_pad(o, ' ', pad);
}

static void format_integer(format_out_t *o, const format_spec_t *sp, va_list *ap)
{
    char buf[FORMAT_NUM_MAX];
    const char *prefix = "";
    uintmax_t v;
    unsigned base = 10;
    if (sp->conv == 'd' || sp->conv == 'i') {
        intmax_t s = arg_signed(sp, ap);
        v = s < 0 ? (uintmax_t)0 - (uintmax_t)s : (uintmax_t)s;
        prefix = s < 0 ? "-" : sp->plus ? "+" : sp->space ? " " : "";
    } else {
        v = arg_unsigned(sp, ap);
        base = sp->conv == 'o' ? 8 : sp->conv == 'u' ? 10 : 16;
        if (sp->alt && base == 16 && v != 0)
            prefix = sp->conv == 'X' ? "0X" : "0x";
    }
    char *d = digits_of(v, base, sp->conv == 'X', buf);
    size_t n = (size_t)(buf + FORMAT_NUM_MAX - d);
    if (v == 0 && sp->precision == 0)
        n = 0; /* "%.0d" of 0 prints no digits */
    /* '#' with octal: the first digit printed must be 0 (precision zeros count). */
    bool precision_zeros = sp->precision > 0 && (size_t)sp->precision > n;
    if (sp->alt && base == 8 && !precision_zeros && (n == 0 || d[0] != '0')) {
        *--d = '0'; /* buf has room: at most 22 octal digits were written */
        n++;
    }
    emit_number(o, sp, prefix, d, n);
}

static void format_pointer(format_out_t *o, const format_spec_t *sp, va_list *ap)
{
    char buf[FORMAT_NUM_MAX];
    uintptr_t v = (uintptr_t)va_arg(*ap, void *);
    char *d = digits_of(v, 16, false, buf);
    format_spec_t s2 = { .left = sp->left, .width = sp->width, .precision = 16 };
    emit_number(o, &s2, "0x", d, (size_t)(buf + FORMAT_NUM_MAX - d));
}

static void emit_padded(format_out_t *o, const format_spec_t *sp, const char *s, size_t n)
{
    size_t pad = (size_t)sp->width > n ? (size_t)sp->width - n : 0;
    if (!sp->left)
        out_pad(o, ' ', pad);
    out_put(o, s, n);
    if (sp->left)
        out_pad(o, ' ', pad);
}

static void format_string(format_out_t *o, const format_spec_t *sp, va_list *ap)
{
    const char *s = va_arg(*ap, const char *);
    if (!s)
        s = "(null)";
    /* Never read past the precision: the argument need not be NUL-terminated then. */
    size_t n = 0;
    while ((sp->precision < 0 || n < (size_t)sp->precision) && s[n])
        n++;
    emit_padded(o, sp, s, n);
}

static void format_char(format_out_t *o, const format_spec_t *sp, va_list *ap)
{
    char c = (char)va_arg(*ap, int);
    emit_padded(o, sp, &c, 1);
}

/* Returns false for an unknown conversion. */
static bool format_one(format_out_t *o, const format_spec_t *sp, va_list *ap)
{
    switch (sp->conv) {
    case 'd': case 'i': case 'u': case 'x': case 'X': case 'o':
        format_integer(o, sp, ap);
        return true;
    case 'p': format_pointer(o, sp, ap); return true;
    case 's': format_string(o, sp, ap); return true;
    case 'c': format_char(o, sp, ap); return true;
    case '%': out_put(o, "%", 1); return true;
    default: return false;
    }
}

size_t format_v(format_sink_t sink, void *ctx, const char *fmt, va_list ap)
{
    format_out_t o = { .sink = sink, .ctx = ctx };
    va_list args;
    va_copy(args, ap);
    const char *p = fmt;
    while (*p) {
        const char *run = p;
        while (*p && *p != '%')
            p++;
        out_put(&o, run, (size_t)(p - run));
        if (!*p)
            break;
        const char *spec_start = p++;
        format_spec_t sp;
        parse_spec(&p, &sp, &args);
        if (!format_one(&o, &sp, &args))
            out_put(&o, spec_start, (size_t)(p - spec_start));
    }
    va_end(args);
    return o.count;
}

typedef struct {
    char *buf;
    size_t size; /* capacity including the NUL */
    size_t used;
} format_buf_t;

static void buf_sink(void *ctx, const char *s, size_t n)
{
    format_buf_t *b = ctx;
    if (b->size == 0 || b->used >= b->size - 1)
        return;
    size_t room = b->size - 1 - b->used;
    size_t k = n < room ? n : room;
    for (size_t i = 0; i < k; i++)
        b->buf[b->used + i] = s[i];
    b->used += k;
}

int FORMAT_FN(vsnprintf)(char *buf, size_t size, const char *fmt, va_list ap)
{
    format_buf_t b = { .buf = buf, .size = size };
    size_t n = format_v(buf_sink, &b, fmt, ap);
    if (size > 0)
        buf[b.used] = 0;
    return n > INT_MAX ? -1 : (int)n;
}

int FORMAT_FN(snprintf)(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = FORMAT_FN(vsnprintf)(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
