/*
 * string.h - memory and string functions. The common ones are the kernel's own
 * (kernel/lib/string.c, compiled into the user library); the rest live in apps/lib/string.c.
 */
#ifndef _STRING_H
#define _STRING_H

#include <stddef.h>

/* kernel/lib/string.c: memcpy, memmove, memset, memcmp, strlen, strnlen, strcmp, strncmp,
 * strchr, strlcpy, declared once (found relative to this file: programs do not see the
 * repository root). */
#include "../../../kernel/lib/string.h"

/* apps/lib/string.c */
void *memchr(const void *s, int c, size_t n);
char *strrchr(const char *s, int c);
char *strcpy(char *dst, const char *src);
char *strncpy(char *dst, const char *src, size_t n);
char *strcat(char *dst, const char *src);
char *strncat(char *dst, const char *src, size_t n);
size_t strlcat(char *dst, const char *src, size_t size);
char *strstr(const char *haystack, const char *needle);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
char *strerror(int code);

#endif
