/*
 * trace_summary.c - the `trace -c` table: one row per call that was made, in call-number
 * order, then a total row. Columns: calls, errors, total and average microseconds.
 * Updates happen under the tracer's lock.
 */
#include "kernel/trace/trace_summary.h"
#include "kernel/lib/string.h"
#include "kernel/trace/trace_decode.h"
#include "kernel/trace/trace_fmt.h"

void trace_summary_add(trace_session_t *s, const syscall_abi_t *abi, uint64_t nr, bool failed,
                       uint64_t ns)
{
    if (nr >= TRACE_SUMMARY_CALLS || !syscall_abi_meta(abi, nr))
        return; /* numbers the spec does not have are traced but not counted */
    trace_count_t *c = &s->counts[abi->id][nr];
    c->calls++;
    c->errors += failed;
    c->total_ns += ns;
}

/* Right-aligns what fn appends into width columns. */
static void pad_to(trace_buf_t *b, size_t start, size_t width)
{
    size_t used = b->len - start;
    if (used >= width || b->full)
        return;
    size_t pad = width - used;
    for (size_t i = 0; i < pad; i++)
        tb_putc(b, ' ');
    memmove(b->buf + start + pad, b->buf + start, used);
    memset(b->buf + start, ' ', pad);
}

static void row(trace_buf_t *b, uint64_t calls, uint64_t errors, uint64_t ns, bool avg)
{
    size_t at = b->len;
    tb_udec(b, calls);
    pad_to(b, at, 9);
    at = b->len;
    tb_udec(b, errors);
    pad_to(b, at, 9);
    at = b->len;
    tb_udec(b, ns / 1000);
    tb_putc(b, '.');
    tb_udec(b, ns / 100 % 10);
    pad_to(b, at, 13);
    at = b->len;
    if (avg && calls) {
        uint64_t a = ns / calls;
        tb_udec(b, a / 1000);
        tb_putc(b, '.');
        tb_udec(b, a / 100 % 10);
    }
    pad_to(b, at, 11);
    tb_puts(b, "  ");
}

void trace_summary_print(trace_session_t *s, void (*emit)(const char *line, uint64_t len))
{
    char line[128];
    trace_buf_t b;
    static const char head[] = "    calls   errors     total-us     avg-us  syscall\n";
    static const char rule[] = "--------- -------- ------------ ---------- ----------------\n";
    emit(head, sizeof head - 1);
    emit(rule, sizeof rule - 1);
    trace_count_t total = { 0, 0, 0 };
    static const syscall_abi_t *const abis[SYSCALL_ABI_COUNT] = { &syscall_abi_native,
                                                                  &syscall_abi_linux };
    for (unsigned a = 0; a < SYSCALL_ABI_COUNT; a++)
    for (uint64_t nr = 0; nr < TRACE_SUMMARY_CALLS; nr++) {
        trace_count_t *c = &s->counts[a][nr];
        if (!c->calls)
            continue;
        tb_init(&b, line, sizeof line - 1);
        row(&b, c->calls, c->errors, c->total_ns, true);
        trace_decode_name(&b, abis[a], nr);
        tb_putc(&b, '\n');
        emit(line, b.len);
        total.calls += c->calls;
        total.errors += c->errors;
        total.total_ns += c->total_ns;
    }
    emit(rule, sizeof rule - 1);
    tb_init(&b, line, sizeof line - 1);
    row(&b, total.calls, total.errors, total.total_ns, true);
    tb_puts(&b, "total\n");
    emit(line, b.len);
    memset(s->counts, 0, sizeof s->counts);
}
