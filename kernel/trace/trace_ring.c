/*
 * trace_ring.c - the lock-free per-CPU line ring (see trace_ring.h). Host-tested.
 */
#include "kernel/trace/trace_ring.h"
#include "kernel/trace/trace_fmt.h"

static uint32_t ring_free(const trace_ring_t *r)
{
    uint32_t tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
    return TRACE_RING_SIZE - (r->head - tail);
}

static void ring_copy(trace_ring_t *r, uint32_t *at, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        r->buf[(*at)++ & (TRACE_RING_SIZE - 1)] = s[i];
}

bool trace_ring_put(trace_ring_t *r, const char *a, size_t n, const char *b, size_t m)
{
    char marker[48];
    trace_buf_t mb;
    tb_init(&mb, marker, sizeof marker);
    if (r->lost) {
        tb_puts(&mb, "... ");
        tb_udec(&mb, r->lost);
        tb_puts(&mb, r->lost == 1 ? " line lost\n" : " lines lost\n");
    }
    if ((uint64_t)mb.len + n + m > ring_free(r)) {
        r->lost++;
        return false;
    }
    uint32_t at = r->head;
    ring_copy(r, &at, marker, mb.len);
    ring_copy(r, &at, a, n);
    ring_copy(r, &at, b, m);
    __atomic_store_n(&r->head, at, __ATOMIC_RELEASE);
    r->lost = 0;
    return true;
}

size_t trace_ring_peek(trace_ring_t *r, const char **p)
{
    uint32_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
    uint32_t tail = r->tail;
    uint32_t off = tail & (TRACE_RING_SIZE - 1);
    uint32_t avail = head - tail;
    uint32_t contiguous = TRACE_RING_SIZE - off;
    *p = r->buf + off;
    return avail < contiguous ? avail : contiguous;
}

void trace_ring_consume(trace_ring_t *r, size_t n)
{
    __atomic_store_n(&r->tail, r->tail + (uint32_t)n, __ATOMIC_RELEASE);
}
