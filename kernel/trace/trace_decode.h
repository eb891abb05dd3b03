/*
 * trace_decode.h - turns one system call into text from the generated syscall_meta table:
 * the call with its decoded arguments (before it runs) and its result with whatever it
 * wrote to user memory (after). User memory is read only through copy_from_user and
 * copy_string_from_user; a pointer that cannot be read is printed as the pointer.
 */
#ifndef KERNEL_TRACE_TRACE_DECODE_H
#define KERNEL_TRACE_TRACE_DECODE_H

#include <stdint.h>
#include "kernel/trace/trace_fmt.h"
#include "syscall/syscall_abi.h"

/* Appends "name(arg, arg, ...)". */
void trace_decode_call(trace_buf_t *b, const syscall_abi_t *abi, uint64_t nr, const uint64_t args[SYSCALL_MAX_ARGS]);
/* Appends " = result" or " = ERR ENAME" (Linux: " = -1 ENAME"), then out-buffers written by
 * the call. err is the thread's error code after the call (native convention). */
void trace_decode_result(trace_buf_t *b, const syscall_abi_t *abi, uint64_t nr, const uint64_t args[SYSCALL_MAX_ARGS],
                         uint64_t ret, uint64_t err);
/* The call's name, or syscall_N for a number the spec does not have. */
void trace_decode_name(trace_buf_t *b, const syscall_abi_t *abi, uint64_t nr);

#endif
