/*
 * libc_tls.h - the thread control block every thread of a program reaches through its FS
 * base (x86-64 TLS convention: %fs:0 holds the block's own address). The kernel keeps the
 * FS base per thread on every CPU; see errno.c for how a thread sets it.
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

/* Called once by crt_start before main, with the aux vector's AT_HWCAP2: points FS at the
 * main thread's block. */
void libc_tls_init_main(uint64_t hwcap2);
/* Points the calling thread's FS base at tcb (threads created by pthread_create). */
void libc_tls_set(libc_tcb_t *tcb);
/* The calling thread's block. */
libc_tcb_t *libc_tls_get(void);

#endif
