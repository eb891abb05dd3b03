/*
 * util.c - the few freestanding helpers the loader needs. Byte loops on purpose: the loader
 * is built with -fno-builtin -fno-tree-loop-distribute-patterns, so these are not turned
 * back into calls to themselves.
 */
#include "efi/loader.h"

void util_memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    while (n--)
        *d++ = (uint8_t)c;
}

void util_memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    while (n--)
        *d++ = *s++;
}

uint64_t util_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
