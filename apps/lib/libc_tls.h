/*
 * libc_tls.h - the thread control block every thread of a program reaches through its FS
 * base (x86-64 TLS convention: %fs:0 holds the block's own address). Spindle enables
 * WRFSBASE for user code whenever the CPU has FSGSBASE; on a CPU without it, FS stays 0 and
 * the runtime falls back to one shared block (single-threaded programs only).
 */
#ifndef APPS_LIB_LIBC_TLS_H
#define APPS_LIB_LIBC_TLS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct libc_tcb {
    struct libc_tcb *self; /* must stay first: %fs:0 */
    int errno_value;
    struct pthread *thread;
} libc_tcb_t;

/* True once the main thread's FS base points at its block (crt_start). */
extern bool libc_tls_enabled;

/* Called once by crt_start before main: points FS at the main thread's block. */
void libc_tls_init_main(void);
/* Points the calling thread's FS base at tcb (threads created by pthread_create). */
void libc_tls_set(libc_tcb_t *tcb);
/* The calling thread's block (the shared fallback block when TLS is off). */
libc_tcb_t *libc_tls_get(void);

#endif
