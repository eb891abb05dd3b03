/*
 * trace_summary.h - the counts behind `trace -c`: per call number, calls, failures and
 * time spent, shared by every process of one tracing session (the program and, with -f,
 * its descendants), printed as a table when the session's last traced process ends.
 */
#ifndef KERNEL_TRACE_TRACE_SUMMARY_H
#define KERNEL_TRACE_TRACE_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>
#include <spindle/syscall_nums.h>
#include "syscall/syscall_abi.h"

/* Numbers counted per ABI (Linux's reach 450; a native or Linux number above is not counted). */
#define TRACE_SUMMARY_CALLS 512

typedef struct {
    uint64_t calls, errors, total_ns;
} trace_count_t;

typedef struct trace_session {
    uint32_t refs;    /* trace_proc_t pointing here (the tracer too) */
    uint32_t members; /* traced processes still alive */
    trace_count_t counts[SYSCALL_ABI_COUNT][TRACE_SUMMARY_CALLS]; /* per ABI, per number */
} trace_session_t;

void trace_summary_add(trace_session_t *s, const syscall_abi_t *abi, uint64_t nr, bool failed,
                       uint64_t ns);
/* Emits the table through emit(line, len) (one call per line) and clears the counts. */
void trace_summary_print(trace_session_t *s, void (*emit)(const char *line, uint64_t len));

#endif
