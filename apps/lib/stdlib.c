/* stdlib.c - exit and atexit, abort, integer parsing (see stdlib.h). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>
#include "libc_internal.h"

/* The exit status of abort(): 128 + SIGABRT, as shells report it. */
#define ABORT_STATUS 134

static void (*atexit_fns[ATEXIT_MAX])(void);
static int atexit_count;

int atexit(void (*fn)(void))
{
    if (atexit_count == ATEXIT_MAX)
        return -1;
    atexit_fns[atexit_count++] = fn;
    return 0;
}

_Noreturn void exit(int status)
{
    /* Handlers run newest first; one that calls atexit() again is not rerun. */
    while (atexit_count > 0)
        atexit_fns[--atexit_count]();
    stdio_flush_all();
    sys_process_exit(status);
}

_Noreturn void _Exit(int status)
{
    sys_process_exit(status);
}

_Noreturn void abort(void)
{
    sys_process_exit(ABORT_STATUS);
}

static int digit_value(int c)
{
    if (isdigit(c))
        return c - '0';
    if (islower(c))
        return c - 'a' + 10;
    if (isupper(c))
        return c - 'A' + 10;
    return 99;
}

/* Parses the magnitude of an integer (after sign handling) with C's base rules; saturates
 * at ULLONG_MAX with *overflow set. Sets *end past the last digit, or to s when none. */
static unsigned long long parse_magnitude(const char *s, const char **end, int base,
                                          bool *overflow)
{
    const char *p = s;
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        digit_value(p[2]) < 16) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }
    unsigned long long v = 0;
    const char *first = p;
    *overflow = false;
    for (int d; (d = digit_value(*p)) < base; p++) {
        if (v > (ULLONG_MAX - (unsigned)d) / (unsigned)base) {
            *overflow = true;
            v = ULLONG_MAX;
        } else if (!*overflow) {
            v = v * (unsigned)base + (unsigned)d;
        }
    }
    *end = p == first ? s : p;
    return v;
}

/* Shared by the strto* functions: sign, magnitude and the clamp to [min, max]. */
static unsigned long long parse_integer(const char *s, char **end, int base, bool is_signed,
                                        unsigned long long max)
{
    const char *p = s, *stop;
    bool overflow, negative = false;
    if (base < 0 || base == 1 || base > 36) {
        errno = EINVAL;
        if (end)
            *end = (char *)s;
        return 0;
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '+' || *p == '-')
        negative = *p++ == '-';
    unsigned long long v = parse_magnitude(p, &stop, base, &overflow);
    if (end)
        *end = (char *)(stop == p ? s : stop);
    /* Signed: up to max positive, max + 1 negative. Unsigned: negation wraps, as in C. */
    unsigned long long limit = is_signed && negative ? max + 1 : max;
    if (overflow || v > limit) {
        errno = ERANGE;
        return is_signed ? (negative ? max + 1 : max) : max;
    }
    return negative ? 0ULL - v : v;
}

long strtol(const char *s, char **end, int base)
{
    return (long)parse_integer(s, end, base, true, LONG_MAX);
}

unsigned long strtoul(const char *s, char **end, int base)
{
    return (unsigned long)parse_integer(s, end, base, false, ULONG_MAX);
}

long long strtoll(const char *s, char **end, int base)
{
    return (long long)parse_integer(s, end, base, true, LLONG_MAX);
}

unsigned long long strtoull(const char *s, char **end, int base)
{
    return parse_integer(s, end, base, false, ULLONG_MAX);
}

int atoi(const char *s)
{
    return (int)strtol(s, NULL, 10);
}

long atol(const char *s)
{
    return strtol(s, NULL, 10);
}

int abs(int v)
{
    return v < 0 ? -v : v;
}

long labs(long v)
{
    return v < 0 ? -v : v;
}
