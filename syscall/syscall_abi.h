/*
 * syscall_abi.h - the system-call ABIs a process may speak (FreeBSD's sysentvec, in small).
 *
 * Each process speaks one ABI, chosen at exec from its program's brand (proc/exec.h) and
 * kept in process_t.abi: the native one (syscalls.spec: failure is ERR plus the thread's
 * error code) or x86-64 Linux (linux_syscalls.spec: failure is -errno in RAX). The SYSCALL
 * entry, the tracer and every kernel service are shared; only the record differs: its table
 * (through invoke), the tracer's names and argument kinds, and the error convention. Both
 * ABIs get the same aux vector (proc/exec.c builds Linux's, a superset of what the native
 * crt0 reads).
 */
#ifndef SYSCALL_SYSCALL_ABI_H
#define SYSCALL_SYSCALL_ABI_H

#include <stdbool.h>
#include <stdint.h>
#include <spindle/syscall_meta.h>

struct process;

typedef enum { SYSCALL_ABI_NATIVE = 0, SYSCALL_ABI_LINUX = 1, SYSCALL_ABI_COUNT } syscall_abi_id_t;

typedef struct syscall_abi {
    const char *name;             /* "spindle", "linux" */
    syscall_abi_id_t id;          /* == process_t.abi (exec_abi_t has the same values) */
    uint64_t count;               /* call numbers are below this */
    const syscall_meta_t *meta;   /* count entries; .name NULL where the number is unused */
    bool negative_errno;          /* failure is -errno in RAX (else ERR/NULL + thread error) */
    /* Runs call nr (any value: unknown numbers get the ABI's ENOSYS); returns RAX. */
    uint64_t (*invoke)(uint64_t nr, const uint64_t args[6]);
} syscall_abi_t;

extern const syscall_abi_t syscall_abi_native;
extern const syscall_abi_t syscall_abi_linux;

/* The record of the ABI process p speaks. */
const syscall_abi_t *syscall_abi_of(const struct process *p);
/* The tracer's entry for nr, or NULL when the ABI has no such call. */
const syscall_meta_t *syscall_abi_meta(const syscall_abi_t *abi, uint64_t nr);
/* True when ret is a failure of call nr; *err then holds the error code (thread_error is the
 * calling thread's recorded code, which the native convention uses). */
bool syscall_abi_failed(const syscall_abi_t *abi, uint64_t nr, uint64_t ret,
                        uint64_t thread_error, uint64_t *err);

#endif
