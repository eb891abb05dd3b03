/*
 * pthread.c - threads, mutexes, condition variables, once and barriers on FUTEX (see
 * pthread.h).
 *
 * Thread records come from a fixed pool (no allocator needed). A record's state goes
 * RUNNING -> DONE when the thread ends (then joined and freed), or RUNNING -> DETACHED (then
 * the thread frees its record itself when it ends). pthread_join sleeps on the record's
 * `alive` word, which the kernel clears and wakes only after the thread is gone and its stack
 * unmapped (thread_exit_word), so a joiner never sees a half-ended thread. A detached thread
 * turns that word off before it frees its record, so a new owner's word is never cleared.
 *
 * Mutex: 0 free, 1 locked, 2 locked and maybe contended; unlock wakes one waiter only when
 * the word was 2 (the classic three-state futex mutex). Condition variable: a sequence
 * word; a waiter samples it before unlocking the mutex and sleeps while it is unchanged, so
 * a signal between the unlock and the sleep is never lost.
 */
#include <errno.h>
#include <pthread.h>
#include <spindle/abi.h>
#include <spindle/syscall_stubs.h>
#include "libc_futex.h"
#include "libc_tls.h"

enum { T_FREE = 0, T_RUNNING, T_DONE, T_DETACHED };

struct pthread {
    libc_tcb_t tcb;      /* first: the thread's FS base points here */
    uint32_t state;
    uint32_t in_use;
    uint32_t alive;      /* 1 until the kernel clears it when the thread has ended */
    uint64_t tid;
    void *(*fn)(void *);
    void *arg;
    void *result;
};

static struct pthread pthread_pool[PTHREAD_THREADS_MAX];
static struct pthread pthread_main = { .state = T_RUNNING, .in_use = 1 };

static struct pthread *record_take(void)
{
    for (int i = 0; i < PTHREAD_THREADS_MAX; i++) {
        uint32_t free_ = 0;
        if (__atomic_compare_exchange_n(&pthread_pool[i].in_use, &free_, 1, false,
                                        __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
            return &pthread_pool[i];
    }
    return NULL;
}

static void record_free(struct pthread *t)
{
    __atomic_store_n(&t->in_use, 0, __ATOMIC_RELEASE);
}

int pthread_attr_init(pthread_attr_t *attr)
{
    attr->detachstate = PTHREAD_CREATE_JOINABLE;
    return 0;
}

int pthread_attr_destroy(pthread_attr_t *attr)
{
    (void)attr;
    return 0;
}

int pthread_attr_setdetachstate(pthread_attr_t *attr, int state)
{
    if (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED)
        return EINVAL;
    attr->detachstate = state;
    return 0;
}

pthread_t pthread_self(void)
{
    libc_tcb_t *tcb = libc_tls_get();
    return tcb->thread ? tcb->thread : &pthread_main;
}

int pthread_equal(pthread_t a, pthread_t b)
{
    return a == b;
}

pid_t pthread_gettid_np(pthread_t t)
{
    return t == &pthread_main && !t->tid ? (pid_t)sys_gettid() : (pid_t)t->tid;
}

int pthread_setnice_np(pthread_t t, int nice)
{
    uint64_t tid = t == pthread_self() ? 0 : t->tid;
    return sys_setpriority(tid, (uint64_t)(int64_t)nice) == ERR ? (int)sys_errno() : 0;
}

_Noreturn void pthread_exit(void *result)
{
    struct pthread *self = pthread_self();
    if (self == &pthread_main)
        sys_thread_exit(); /* the others go on; the last thread out ends the process */
    self->result = result;
    uint32_t running = T_RUNNING;
    if (!__atomic_compare_exchange_n(&self->state, &running, T_DONE, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        sys_thread_exit_word(NULL); /* detached: nobody will join */
        record_free(self);
    }
    sys_thread_exit();
    __builtin_unreachable();
}

static void pthread_trampoline(struct pthread *self)
{
    libc_tls_set(&self->tcb);
    sys_thread_exit_word(&self->alive);
    self->tcb.thread = self;
    pthread_exit(self->fn(self->arg));
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
    struct pthread *t = record_take();
    if (!t)
        return EAGAIN;
    t->tcb = (libc_tcb_t){ 0 };
    t->fn = fn;
    t->arg = arg;
    t->result = NULL;
    t->alive = 1;
    bool detached = attr && attr->detachstate == PTHREAD_CREATE_DETACHED;
    __atomic_store_n(&t->state, detached ? T_DETACHED : T_RUNNING, __ATOMIC_RELEASE);
    *thread = t;
    uint64_t tid = sys_thread_create((void *)pthread_trampoline, t, NULL);
    if (tid == ERR) {
        int e = (int)sys_errno();
        record_free(t);
        return e == ENOMEM ? EAGAIN : e;
    }
    __atomic_store_n(&t->tid, tid, __ATOMIC_RELEASE);
    return 0;
}

/* Sleeps until the kernel has cleared t's alive word: the thread and its stack are gone. */
static void record_wait_gone(struct pthread *t)
{
    while (__atomic_load_n(&t->alive, __ATOMIC_ACQUIRE))
        libc_futex_wait(&t->alive, 1, CLOCK_NEVER);
}

int pthread_join(pthread_t t, void **result)
{
    if (t == pthread_self())
        return EDEADLK;
    if (t == &pthread_main || !t->in_use)
        return ESRCH;
    if (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) == T_DETACHED)
        return EINVAL;
    record_wait_gone(t);
    if (result)
        *result = t->result;
    t->state = T_FREE;
    record_free(t);
    return 0;
}

int pthread_detach(pthread_t t)
{
    if (t == &pthread_main)
        return 0;
    uint32_t running = T_RUNNING;
    if (__atomic_compare_exchange_n(&t->state, &running, T_DETACHED, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE))
        return 0;
    if (running == T_DONE) { /* already ending: nobody else will free it */
        record_wait_gone(t);
        t->state = T_FREE;
        record_free(t);
        return 0;
    }
    return EINVAL;
}

/* ---------------------------------------------------------------- mutex */

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr)
{
    (void)attr;
    m->state = 0;
    return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m)
{
    return __atomic_load_n(&m->state, __ATOMIC_RELAXED) ? EBUSY : 0;
}

int pthread_mutex_trylock(pthread_mutex_t *m)
{
    uint32_t zero = 0;
    return __atomic_compare_exchange_n(&m->state, &zero, 1, false, __ATOMIC_ACQUIRE,
                                       __ATOMIC_RELAXED) ? 0 : EBUSY;
}

/* Takes the lock marking it contended (after sleeping we cannot know whether others wait). */
static void mutex_lock_contended(pthread_mutex_t *m)
{
    while (__atomic_exchange_n(&m->state, 2, __ATOMIC_ACQUIRE) != 0)
        libc_futex_wait(&m->state, 2, CLOCK_NEVER);
}

int pthread_mutex_lock(pthread_mutex_t *m)
{
    if (pthread_mutex_trylock(m) == 0)
        return 0;
    mutex_lock_contended(m);
    return 0;
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
    if (__atomic_exchange_n(&m->state, 0, __ATOMIC_RELEASE) == 2)
        libc_futex_wake(&m->state, 1);
    return 0;
}

/* ---------------------------------------------------------------- condition variable */

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr)
{
    (void)attr;
    c->seq = 0;
    return 0;
}

int pthread_cond_destroy(pthread_cond_t *c)
{
    (void)c;
    return 0;
}

static int cond_wait_ns(pthread_cond_t *c, pthread_mutex_t *m, uint64_t timeout_ns)
{
    uint32_t seq = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);
    pthread_mutex_unlock(m);
    uint64_t r = libc_futex_wait(&c->seq, seq, timeout_ns);
    int timed_out = r == ERR && sys_errno() == ETIMEDOUT;
    mutex_lock_contended(m);
    return timed_out ? ETIMEDOUT : 0;
}

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
    return cond_wait_ns(c, m, CLOCK_NEVER);
}

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime)
{
    if (abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000L)
        return EINVAL;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t ns = (int64_t)(abstime->tv_sec - now.tv_sec) * 1000000000LL +
                 (abstime->tv_nsec - now.tv_nsec);
    if (ns <= 0)
        return ETIMEDOUT;
    return cond_wait_ns(c, m, (uint64_t)ns);
}

int pthread_cond_signal(pthread_cond_t *c)
{
    __atomic_fetch_add(&c->seq, 1, __ATOMIC_RELEASE);
    libc_futex_wake(&c->seq, 1);
    return 0;
}

int pthread_cond_broadcast(pthread_cond_t *c)
{
    __atomic_fetch_add(&c->seq, 1, __ATOMIC_RELEASE);
    libc_futex_wake(&c->seq, LIBC_FUTEX_ALL);
    return 0;
}

/* ---------------------------------------------------------------- once, barrier */

int pthread_once(pthread_once_t *once, void (*fn)(void))
{
    if (__atomic_load_n(&once->state, __ATOMIC_ACQUIRE) == 2)
        return 0;
    uint32_t zero = 0;
    if (__atomic_compare_exchange_n(&once->state, &zero, 1, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE)) {
        fn();
        __atomic_store_n(&once->state, 2, __ATOMIC_RELEASE);
        libc_futex_wake(&once->state, LIBC_FUTEX_ALL);
        return 0;
    }
    while (__atomic_load_n(&once->state, __ATOMIC_ACQUIRE) != 2)
        libc_futex_wait(&once->state, 1, CLOCK_NEVER);
    return 0;
}

int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *attr, unsigned count)
{
    (void)attr;
    if (count == 0)
        return EINVAL;
    b->count = count;
    b->arrived = 0;
    b->generation = 0;
    return 0;
}

int pthread_barrier_destroy(pthread_barrier_t *b)
{
    (void)b;
    return 0;
}

/* The last thread to arrive resets the count, then opens the barrier by bumping the
 * generation the others sleep on. */
int pthread_barrier_wait(pthread_barrier_t *b)
{
    uint32_t gen = __atomic_load_n(&b->generation, __ATOMIC_ACQUIRE);
    if (__atomic_add_fetch(&b->arrived, 1, __ATOMIC_ACQ_REL) == b->count) {
        __atomic_store_n(&b->arrived, 0, __ATOMIC_SEQ_CST);
        __atomic_fetch_add(&b->generation, 1, __ATOMIC_SEQ_CST);
        libc_futex_wake(&b->generation, LIBC_FUTEX_ALL);
        return PTHREAD_BARRIER_SERIAL_THREAD;
    }
    while (__atomic_load_n(&b->generation, __ATOMIC_ACQUIRE) == gen)
        libc_futex_wait(&b->generation, gen, CLOCK_NEVER);
    return 0;
}
