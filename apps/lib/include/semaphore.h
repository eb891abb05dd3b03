/*
 * semaphore.h - counting semaphores on FUTEX (process-private). Functions return 0, or -1
 * with errno set, as POSIX says.
 */
#ifndef _SEMAPHORE_H
#define _SEMAPHORE_H

#include <stdint.h>

typedef struct {
    uint32_t value;
    uint32_t waiters;
} sem_t;

int sem_init(sem_t *s, int pshared, unsigned value);
int sem_destroy(sem_t *s);
int sem_wait(sem_t *s);
int sem_trywait(sem_t *s);
int sem_post(sem_t *s);
int sem_getvalue(sem_t *s, int *value);

#endif
