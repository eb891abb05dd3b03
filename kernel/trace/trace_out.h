/*
 * trace_out.h - where finished trace lines go: this CPU's ring, then the trace port.
 */
#ifndef KERNEL_TRACE_TRACE_OUT_H
#define KERNEL_TRACE_TRACE_OUT_H

#include <stdbool.h>
#include <stddef.h>

/* "com1" (default: with the console) or "com2"; a COM2 that does not answer falls back to
 * COM1 with a note on the console. */
void trace_out_init(const char *port);
/* Interrupts must be off (the ring's single producer is this CPU). a then b, one line. */
void trace_out_line(const char *a, size_t n, const char *b, size_t m);
/* Writes every CPU's queued lines to the port unless another CPU is doing it right now. */
void trace_out_drain(void);

#endif
