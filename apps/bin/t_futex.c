/*
 * t_futex - FUTEX from user space: its errors (EAGAIN, ETIMEDOUT with timing bounds, EFAULT,
 * EINVAL), WAKE counts, a million WAKEs on distinct addresses that leave kernel memory as it
 * was, no lost wake-ups under a mutex/condition-variable stress with exact totals, and the
 * runtime's semaphore, once and barrier built on it; waiters on a page that was unmapped are
 * never woken by a WAKE on a fresh page that reuses its frame (keys are (space, address)).
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <sys/mman.h>
#include "t_check.h"

#define P "t_futex"
#define MS 1000000ULL

static uint32_t word;

static void check_errors(void)
{
    word = 5;
    T_CHECK(P, "wait-value-differs-eagain", T_FAILS_WITH(sys_futex(&word, FUTEX_WAIT, 6, CLOCK_NEVER), EAGAIN));
    uint64_t t0 = sys_uptime();
    uint64_t r = sys_futex(&word, FUTEX_WAIT, 5, 30 * MS);
    uint64_t took = sys_uptime() - t0;
    T_CHECK(P, "wait-timeout-etimedout", T_FAILS_WITH(r, ETIMEDOUT));
    T_CHECK(P, "wait-timeout-not-early", took >= 30 * MS);
    T_CHECK(P, "wait-timeout-not-late", took < 30 * MS + 500 * MS);
    T_CHECK(P, "wait-zero-timeout-etimedout", T_FAILS_WITH(sys_futex(&word, FUTEX_WAIT, 5, 0), ETIMEDOUT));
    T_CHECK(P, "unaligned-efault",
            T_FAILS_WITH(sys_futex((char *)&word + 1, FUTEX_WAKE, 1, CLOCK_NEVER), EFAULT));
    T_CHECK(P, "unaligned-wait-efault",
            T_FAILS_WITH(sys_futex((char *)&word + 2, FUTEX_WAIT, 0, CLOCK_NEVER), EFAULT));
    T_CHECK(P, "kernel-address-efault",
            T_FAILS_WITH(sys_futex((void *)T_KERNEL_ADDR, FUTEX_WAKE, 1, CLOCK_NEVER), EFAULT));
    T_CHECK(P, "unmapped-efault",
            T_FAILS_WITH(sys_futex((void *)0x1000, FUTEX_WAIT, 0, CLOCK_NEVER), EFAULT));
    T_CHECK(P, "unknown-op-einval", T_FAILS_WITH(sys_futex(&word, 7, 0, CLOCK_NEVER), EINVAL));
    T_CHECK(P, "wake-nobody-returns-0", sys_futex(&word, FUTEX_WAKE, 10, CLOCK_NEVER) == 0);
}

/* ---------------------------------------------------------------- wake counts */

static uint32_t gate;
static volatile int woke;

static void *t_gate_waiter(void *arg)
{
    (void)arg;
    while (__atomic_load_n(&gate, __ATOMIC_ACQUIRE) == 0)
        sys_futex(&gate, FUTEX_WAIT, 0, CLOCK_NEVER);
    __atomic_fetch_add(&woke, 1, __ATOMIC_RELAXED);
    return NULL;
}

static void check_wake_counts(void)
{
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, t_gate_waiter, NULL);
    sys_nanosleep(50 * MS); /* all four asleep on gate */
    __atomic_store_n(&gate, 1, __ATOMIC_RELEASE);
    uint64_t a = sys_futex(&gate, FUTEX_WAKE, 1, CLOCK_NEVER);
    uint64_t b = sys_futex(&gate, FUTEX_WAKE, 100, CLOCK_NEVER);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    T_CHECK(P, "wake-returns-how-many-woke", a == 1 && b == 3 && woke == 4);
}

/* ---------------------------------------------------------------- mutex / condvar stress */

#define STRESS_THREADS 8
#define STRESS_ITERS   100000

static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static volatile uint64_t counter;

static void *t_increment(void *arg)
{
    (void)arg;
    for (int i = 0; i < STRESS_ITERS; i++) {
        pthread_mutex_lock(&mtx);
        uint64_t v = counter;
        if ((i & 1023) == 0)
            sys_yield(); /* hand the CPU over while holding the lock: real contention */
        counter = v + 1;
        pthread_mutex_unlock(&mtx);
    }
    return NULL;
}

#define QUEUE_CAP    4
#define ITEMS        20000
#define PRODUCERS    4
#define CONSUMERS    4

static pthread_mutex_t qm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;
static int queued, produced_done;
static uint64_t consumed_sum, consumed_n;

static void *t_producer(void *arg)
{
    uint64_t base = (uint64_t)arg * ITEMS;
    for (uint64_t i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&qm);
        while (queued == QUEUE_CAP)
            pthread_cond_wait(&not_full, &qm);
        queued++;
        consumed_sum += base + i; /* accounted on the way in, checked against the way out */
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&qm);
    }
    pthread_mutex_lock(&qm);
    produced_done++;
    pthread_cond_broadcast(&not_empty);
    pthread_mutex_unlock(&qm);
    return NULL;
}

static void *t_consumer(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&qm);
        while (queued == 0 && produced_done < PRODUCERS)
            pthread_cond_wait(&not_empty, &qm);
        if (queued == 0) {
            pthread_mutex_unlock(&qm);
            return NULL;
        }
        queued--;
        consumed_n++;
        pthread_cond_signal(&not_full);
        pthread_mutex_unlock(&qm);
    }
}

static void check_stress(void)
{
    pthread_t t[STRESS_THREADS];
    uint64_t t0 = sys_uptime();
    for (int i = 0; i < STRESS_THREADS; i++)
        pthread_create(&t[i], NULL, t_increment, NULL);
    for (int i = 0; i < STRESS_THREADS; i++)
        pthread_join(t[i], NULL);
    printf("t_futex: mutex stress %llu increments in %llu ms\n", (unsigned long long)counter,
           (unsigned long long)((sys_uptime() - t0) / MS));
    T_CHECK(P, "mutex-stress-exact-total", counter == (uint64_t)STRESS_THREADS * STRESS_ITERS);

    pthread_t p[PRODUCERS], c[CONSUMERS];
    for (uint64_t i = 0; i < CONSUMERS; i++)
        pthread_create(&c[i], NULL, t_consumer, NULL);
    for (uint64_t i = 0; i < PRODUCERS; i++)
        pthread_create(&p[i], NULL, t_producer, (void *)i);
    for (int i = 0; i < PRODUCERS; i++)
        pthread_join(p[i], NULL);
    for (int i = 0; i < CONSUMERS; i++)
        pthread_join(c[i], NULL);
    uint64_t n = (uint64_t)PRODUCERS * ITEMS;
    T_CHECK(P, "condvar-queue-every-item-once", consumed_n == n && queued == 0 &&
                                                consumed_sum == n * (n + 1) / 2);
}

/* ---------------------------------------------------------------- semaphore, once, barrier */

static sem_t sem;
static volatile int sem_got;

static void *t_sem_take(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++) {
        sem_wait(&sem);
        __atomic_fetch_add(&sem_got, 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

static volatile int once_runs;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void once_fn(void)
{
    sys_nanosleep(10 * MS); /* the others must wait for it, not run it again */
    once_runs++;
}

static pthread_barrier_t bar;
static volatile int phase_seen[4];
static volatile int phase;

static void *t_once_barrier(void *arg)
{
    uint64_t me = (uint64_t)arg;
    pthread_once(&once, once_fn);
    int serial = 0;
    for (int round = 0; round < 50; round++) {
        if (pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THREAD) {
            serial++;
            phase++;
        }
        pthread_barrier_wait(&bar);
        phase_seen[me] += phase == round + 1;
    }
    return (void *)(uint64_t)serial;
}

static void check_sem_once_barrier(void)
{
    sem_init(&sem, 0, 0);
    pthread_t t[4];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, t_sem_take, NULL);
    for (int i = 0; i < 2000; i++)
        sem_post(&sem);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    int v = -1;
    sem_getvalue(&sem, &v);
    T_CHECK(P, "semaphore-counts-exactly", sem_got == 2000 && v == 0 && sem_trywait(&sem) == -1 &&
                                           errno == EAGAIN);

    pthread_barrier_init(&bar, NULL, 4);
    uint64_t serials = 0;
    for (uint64_t i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, t_once_barrier, (void *)i);
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        serials += (uint64_t)r;
    }
    T_CHECK(P, "once-runs-once", once_runs == 1);
    T_CHECK(P, "barrier-one-serial-per-round", serials == 50);
    T_CHECK(P, "barrier-holds-everyone-each-round",
            phase_seen[0] == 50 && phase_seen[1] == 50 && phase_seen[2] == 50 && phase_seen[3] == 50);
}

/* ---------------------------------------------------------------- kernel memory bound */

/* FUTEX_WAKE on a million distinct words (every 4 bytes of a 4 MiB region) must not make
 * the kernel keep anything per address: free pages and heap use are exactly as before. */
#define FRESH_WAKES 1000000

static void check_memory_bound(void)
{
    size_t size = (size_t)FRESH_WAKES * sizeof(uint32_t);
    uint32_t *fresh = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (fresh == MAP_FAILED) {
        T_CHECK(P, "1m-wakes-region-mapped", fresh != MAP_FAILED);
        return;
    }
    for (int i = 0; i < FRESH_WAKES; i++)
        fresh[i] = (uint32_t)i; /* every page present before the count starts */
    meminfo_t a, b;
    sys_meminfo(&a);
    uint64_t woken = 0, t0 = sys_uptime();
    for (int i = 0; i < FRESH_WAKES; i++)
        woken += sys_futex(&fresh[i], FUTEX_WAKE, 1, CLOCK_NEVER);
    uint64_t took = sys_uptime() - t0;
    sys_meminfo(&b);
    printf("t_futex: 1M wakes in %llu ms: free pages %llu -> %llu, heap %llu -> %llu bytes\n",
           (unsigned long long)(took / MS), (unsigned long long)a.free_pages,
           (unsigned long long)b.free_pages, (unsigned long long)a.heap_bytes,
           (unsigned long long)b.heap_bytes);
    T_CHECK(P, "1m-wakes-on-fresh-addresses-use-no-memory",
            woken == 0 && a.free_pages == b.free_pages && a.heap_bytes == b.heap_bytes);
    munmap(fresh, size);
}

/* ---------------------------------------------------------------- frame reuse (issue 17) */

static volatile uint32_t *stale_word;
static uint64_t stale_result[4];

static void *t_stale_waiter(void *arg)
{
    uint64_t *out = arg;
    *out = sys_futex((void *)stale_word, FUTEX_WAIT, 0, 400 * MS);
    if (*out == ERR)
        *out = sys_errno();
    return NULL;
}

/* Threads wait on a private page, the page is unmapped and its frame freed; fresh pages
 * (which the allocator hands out from the frames just freed) are touched and woken. Keyed
 * by physical frame, those WAKEs woke the stale waiters; keyed by (space, address) they
 * wake nobody, and the stale waiters end by their timeout. */
static void check_frame_reuse(void)
{
    uint8_t *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
        T_CHECK(P, "futex-wake-on-reused-frame-wakes-nobody", 0);
        return;
    }
    stale_word = (volatile uint32_t *)(page + 64);
    *stale_word = 0;
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, t_stale_waiter, &stale_result[i]);
    sys_nanosleep(50 * MS); /* all four asleep on the word (if not: EFAULT, still no wake) */
    munmap(page, 4096);
    uint64_t woken = 0;
    enum { FRESH = 64 };
    uint8_t *fresh = mmap(NULL, FRESH * 4096, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; fresh != MAP_FAILED && i < FRESH; i++) {
        volatile uint32_t *w = (volatile uint32_t *)(fresh + i * 4096 + 64);
        *w = 0;
        uint64_t n = sys_futex((void *)w, FUTEX_WAKE, 4, CLOCK_NEVER);
        woken += n == ERR ? 0 : n;
    }
    T_CHECK(P, "futex-wake-on-reused-frame-wakes-nobody", fresh != MAP_FAILED && woken == 0);
    int stale_ok = 1;
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        stale_ok &= stale_result[i] == ETIMEDOUT || stale_result[i] == EFAULT;
    }
    T_CHECK(P, "futex-stale-waiters-end-by-timeout", stale_ok);
    if (fresh != MAP_FAILED)
        munmap(fresh, FRESH * 4096);
}

int main(void)
{
    check_memory_bound();
    check_errors();
    check_wake_counts();
    check_stress();
    check_sem_once_barrier();
    check_frame_reuse();
    return t_failures ? 1 : 0;
}
