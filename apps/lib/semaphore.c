/*
 * semaphore.c - counting semaphores on FUTEX. A waiter registers in `waiters` before it
 * sleeps on value == 0, so a post that sees no waiter registered is followed by a sleep that
 * finds value != 0 and returns at once (the futex compares atomically with the wake).
 */
#include <errno.h>
#include <semaphore.h>
#include <stdbool.h>
#include "libc_futex.h"

int sem_init(sem_t *s, int pshared, unsigned value)
{
    (void)pshared;
    if (value > 0x7fffffffu) {
        errno = EINVAL;
        return -1;
    }
    s->value = value;
    s->waiters = 0;
    return 0;
}

int sem_destroy(sem_t *s)
{
    (void)s;
    return 0;
}

int sem_trywait(sem_t *s)
{
    uint32_t v = __atomic_load_n(&s->value, __ATOMIC_ACQUIRE);
    while (v > 0) {
        if (__atomic_compare_exchange_n(&s->value, &v, v - 1, true, __ATOMIC_ACQUIRE,
                                        __ATOMIC_ACQUIRE))
            return 0;
    }
    errno = EAGAIN;
    return -1;
}

int sem_wait(sem_t *s)
{
    for (;;) {
        if (sem_trywait(s) == 0)
            return 0;
        __atomic_fetch_add(&s->waiters, 1, __ATOMIC_SEQ_CST);
        libc_futex_wait(&s->value, 0, CLOCK_NEVER);
        __atomic_fetch_sub(&s->waiters, 1, __ATOMIC_SEQ_CST);
    }
}

int sem_post(sem_t *s)
{
    __atomic_fetch_add(&s->value, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&s->waiters, __ATOMIC_SEQ_CST))
        libc_futex_wake(&s->value, 1);
    return 0;
}

int sem_getvalue(sem_t *s, int *value)
{
    *value = (int)__atomic_load_n(&s->value, __ATOMIC_RELAXED);
    return 0;
}
