/* libc_futex.h - the FUTEX calls as the runtime's synchronisation uses them. */
#ifndef APPS_LIB_LIBC_FUTEX_H
#define APPS_LIB_LIBC_FUTEX_H

#include <stdint.h>
#include <spindle/abi.h>
#include <spindle/syscall_stubs.h>

#define LIBC_FUTEX_ALL 0x7fffffffu

/* Sleeps while *w == v (or until timeout_ns passes); returns the raw result. */
static inline uint64_t libc_futex_wait(uint32_t *w, uint32_t v, uint64_t timeout_ns)
{
    return sys_futex(w, FUTEX_WAIT, v, timeout_ns);
}

static inline void libc_futex_wake(uint32_t *w, uint32_t n)
{
    sys_futex(w, FUTEX_WAKE, n, CLOCK_NEVER);
}

#endif
