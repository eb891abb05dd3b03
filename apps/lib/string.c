/*
 * string.c - the string functions the kernel does not need. The common ones (memcpy,
 * strlen, strcmp, ...) are kernel/lib/string.c itself, compiled into this library; including
 * its header here lets the compiler check that both declarations agree.
 */
#include <string.h>
#include <stdio.h>
#include "kernel/lib/string.h"
#include "kernel/lib/format.h"
#include <spindle/errno.h>

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;
    for (size_t i = 0; i < n; i++)
        if (p[i] == (unsigned char)c)
            return (void *)(p + i);
    return NULL;
}

char *strrchr(const char *s, int c)
{
    const char *last = NULL;
    for (;; s++) {
        if (*s == (char)c)
            last = s;
        if (*s == 0)
            return (char *)last;
    }
}

char *strcpy(char *dst, const char *src)
{
    memcpy(dst, src, strlen(src) + 1);
    return dst;
}

/* C semantics: pads with NULs to n, and does not terminate when src is n bytes or longer. */
char *strncpy(char *dst, const char *src, size_t n)
{
    size_t k = strnlen(src, n);
    memcpy(dst, src, k);
    memset(dst + k, 0, n - k);
    return dst;
}

char *strcat(char *dst, const char *src)
{
    strcpy(dst + strlen(dst), src);
    return dst;
}

char *strncat(char *dst, const char *src, size_t n)
{
    char *end = dst + strlen(dst);
    size_t k = strnlen(src, n);
    memcpy(end, src, k);
    end[k] = 0;
    return dst;
}

size_t strlcat(char *dst, const char *src, size_t size)
{
    size_t used = strnlen(dst, size);
    if (used == size)
        return size + strlen(src);
    return used + strlcpy(dst + used, src, size - used);
}

char *strstr(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);
    for (; *haystack; haystack++)
        if (strncmp(haystack, needle, n) == 0)
            return (char *)haystack;
    return n == 0 ? (char *)haystack : NULL;
}

size_t strspn(const char *s, const char *accept)
{
    size_t n = 0;
    while (s[n] && strchr(accept, s[n]))
        n++;
    return n;
}

size_t strcspn(const char *s, const char *reject)
{
    size_t n = 0;
    while (s[n] && !strchr(reject, s[n]))
        n++;
    return n;
}

/* Messages come from the ABI's one list (spindle/errno.h), shared with the kernel and tracer. */
char *strerror(int code)
{
    static char unknown[32];
    const char *msg = code == 0 ? "Success" : spindle_errno_message(code);
    if (msg)
        return (char *)msg;
    snprintf(unknown, sizeof(unknown), "Unknown error %d", code);
    return unknown;
}
