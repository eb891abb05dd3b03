/*
 * trace_out.c - the trace port. Lines are queued in the producing CPU's ring
 * (trace_ring.c) under the tracer's lock and written out after the call that produced
 * them, before it returns to user space, so on COM1 a program's own output and its trace
 * lines appear in call order. Writing takes the port: the console lock for COM1 (so a
 * kprintf never splits a line), a try-lock of our own for COM2; a CPU that finds the port
 * busy leaves its lines to the holder, which drains every ring before letting go.
 */
#include "kernel/trace/trace_out.h"
#include "kernel/arch/cpu.h"
#include "kernel/console/console.h"
#include "kernel/kprintf.h"
#include "kernel/lib/string.h"
#include "kernel/trace/trace_ring.h"
#include "sched/sched.h"

static trace_ring_t trace_rings[SCHED_MAX_CPUS];
static uint16_t trace_port = COM1_PORT;
static volatile uint32_t trace_port_busy;

void trace_out_init(const char *port)
{
    if (!port || strcmp(port, "com2") != 0)
        return;
    if (serial_init(COM2_PORT)) {
        trace_port = COM2_PORT;
        return;
    }
    kprintf("trace: no COM2 port answered; tracing to COM1\n");
}

void trace_out_line(const char *a, size_t n, const char *b, size_t m)
{
    unsigned cpu = sched_cpu_this()->index;
    trace_ring_put(&trace_rings[cpu < SCHED_MAX_CPUS ? cpu : 0], a, n, b, m);
}

static void port_write(const char *s, size_t n)
{
    if (trace_port == COM1_PORT)
        console_write_locked(s, n);
    else
        serial_write(trace_port, s, n);
}

static bool rings_pending(void)
{
    for (unsigned i = 0; i < SCHED_MAX_CPUS; i++) {
        const char *p;
        if (trace_ring_peek(&trace_rings[i], &p))
            return true;
    }
    return false;
}

void trace_out_drain(void)
{
    bool irq = cpu_irqs_enabled();
    cpu_cli();
    /* Re-check after letting go: a line queued while we held the port, by a CPU that then
     * found it busy, would otherwise wait for the next call. */
    while (rings_pending() && !__atomic_exchange_n(&trace_port_busy, 1, __ATOMIC_ACQUIRE)) {
        bool console_irq = false;
        if (trace_port == COM1_PORT)
            console_irq = console_lock();
        for (unsigned i = 0; i < SCHED_MAX_CPUS; i++) {
            const char *p;
            size_t n;
            while ((n = trace_ring_peek(&trace_rings[i], &p)) != 0) {
                port_write(p, n);
                trace_ring_consume(&trace_rings[i], n);
            }
        }
        if (trace_port == COM1_PORT)
            console_unlock(console_irq);
        __atomic_store_n(&trace_port_busy, 0, __ATOMIC_RELEASE);
    }
    if (irq)
        cpu_sti();
}
