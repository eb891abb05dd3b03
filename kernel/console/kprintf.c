/*
 * kprintf.c - the kernel printf: format_v into a small stack buffer, handed to the consoles
 * in chunks (no heap, bounded stack). The console lock is held for the whole message, so
 * messages from interrupts or other CPUs never interleave mid-line.
 */
#include <stdarg.h>
#include <stddef.h>

#include "kernel/console/console.h"
#include "kernel/kprintf.h"
#include "kernel/lib/format.h"

#define KPRINTF_CHUNK 160

typedef struct {
    char buf[KPRINTF_CHUNK];
    size_t used;
} kprintf_chunk_t;

static void kprintf_flush(kprintf_chunk_t *c)
{
    console_write_locked(c->buf, c->used);
    c->used = 0;
}

static void kprintf_sink(void *ctx, const char *s, size_t n)
{
    kprintf_chunk_t *c = ctx;
    while (n > 0) {
        if (c->used == KPRINTF_CHUNK)
            kprintf_flush(c);
        size_t k = KPRINTF_CHUNK - c->used;
        if (k > n)
            k = n;
        for (size_t i = 0; i < k; i++)
            c->buf[c->used + i] = s[i];
        c->used += k;
        s += k;
        n -= k;
    }
}

void kvprintf(const char *fmt, va_list ap)
{
    kprintf_chunk_t chunk;
    chunk.used = 0;
    bool irq = console_lock();
    format_v(kprintf_sink, &chunk, fmt, ap);
    if (chunk.used > 0)
        kprintf_flush(&chunk);
    console_unlock(irq);
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}
