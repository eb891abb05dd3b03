/*
 * pthread.h - threads and synchronisation on FUTEX, with pthreads names where the meaning is
 * the same: create/join/detach/exit/self, mutexes (normal, not recursive), condition
 * variables, once, barriers, and a Spindle extension to set a thread's nice value.
 * Functions return 0 or an error number (they do not set errno), as POSIX says.
 *
 * Threads run on 64 KiB stacks the kernel provides; at most PTHREAD_THREADS_MAX threads
 * created by pthread_create exist (running or unjoined) at once.
 */
#ifndef _PTHREAD_H
#define _PTHREAD_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define PTHREAD_THREADS_MAX 64
#define PTHREAD_BARRIER_SERIAL_THREAD (-1)
#define PTHREAD_CREATE_JOINABLE 0
#define PTHREAD_CREATE_DETACHED 1

typedef struct pthread *pthread_t;
typedef struct {
    int detachstate;
} pthread_attr_t;

typedef struct {
    uint32_t state; /* 0 free, 1 locked, 2 locked with waiters */
} pthread_mutex_t;
typedef struct {
    int unused;
} pthread_mutexattr_t;
#define PTHREAD_MUTEX_INITIALIZER { 0 }

typedef struct {
    uint32_t seq;   /* bumped by every signal/broadcast; waiters sleep on it */
} pthread_cond_t;
typedef struct {
    int unused;
} pthread_condattr_t;
#define PTHREAD_COND_INITIALIZER { 0 }

typedef struct {
    uint32_t state; /* 0 not run, 1 running, 2 done */
} pthread_once_t;
#define PTHREAD_ONCE_INIT { 0 }

typedef struct {
    uint32_t count, arrived, generation;
} pthread_barrier_t;
typedef struct {
    int unused;
} pthread_barrierattr_t;

int pthread_attr_init(pthread_attr_t *attr);
int pthread_attr_destroy(pthread_attr_t *attr);
int pthread_attr_setdetachstate(pthread_attr_t *attr, int state);

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg);
int pthread_join(pthread_t thread, void **result);
int pthread_detach(pthread_t thread);
_Noreturn void pthread_exit(void *result);
pthread_t pthread_self(void);
int pthread_equal(pthread_t a, pthread_t b);
/* Spindle: the kernel thread id, and the nice value (-20..19) of a thread. */
pid_t pthread_gettid_np(pthread_t thread);
int pthread_setnice_np(pthread_t thread, int nice);

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr);
int pthread_mutex_destroy(pthread_mutex_t *m);
int pthread_mutex_lock(pthread_mutex_t *m);
int pthread_mutex_trylock(pthread_mutex_t *m);
int pthread_mutex_unlock(pthread_mutex_t *m);

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr);
int pthread_cond_destroy(pthread_cond_t *c);
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
/* abstime is CLOCK_REALTIME, as in POSIX. */
int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime);
int pthread_cond_signal(pthread_cond_t *c);
int pthread_cond_broadcast(pthread_cond_t *c);

int pthread_once(pthread_once_t *once, void (*fn)(void));

int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *attr, unsigned count);
int pthread_barrier_destroy(pthread_barrier_t *b);
int pthread_barrier_wait(pthread_barrier_t *b);

#endif
