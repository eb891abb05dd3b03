/*
 * trace_ring.h - a single-producer single-consumer byte ring for finished trace lines.
 *
 * One ring per CPU: the producer is that CPU with interrupts off (so never two at once),
 * the consumer is whoever holds the trace port (any CPU). Indices run freely and are
 * published with release stores, so neither side takes a lock. A line is stored whole or
 * not at all: when it does not fit, it is counted as lost, and the next line that fits is
 * preceded by "... N lines lost" - the kernel never waits for a slow port.
 */
#ifndef KERNEL_TRACE_TRACE_RING_H
#define KERNEL_TRACE_TRACE_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TRACE_RING_SIZE 8192u /* a power of two; one per CPU */

typedef struct {
    char buf[TRACE_RING_SIZE];
    uint32_t head; /* next byte the producer writes (producer-owned) */
    uint32_t tail; /* next byte the consumer reads (consumer-owned) */
    uint64_t lost; /* lines dropped since the last marker (producer-owned) */
} trace_ring_t;

/* Producer: stores a (n bytes) then b (m bytes) as one unit; false (and counted) when full. */
bool trace_ring_put(trace_ring_t *r, const char *a, size_t n, const char *b, size_t m);
/* Consumer: the contiguous readable bytes at *p (0 when empty); then consume what was used. */
size_t trace_ring_peek(trace_ring_t *r, const char **p);
void trace_ring_consume(trace_ring_t *r, size_t n);

#endif
