/*
 * futex.c - FUTEX_WAIT and FUTEX_WAKE.
 *
 * Key: (object, offset). A word in private memory (anonymous, file, image, device regions)
 * is keyed by its address space and virtual address, as Linux keys private futexes: a frame
 * freed by an unmap and reused by another process can never carry waiters across. A word in
 * a shared object (VMA_SHARED) is keyed by the object and the word's byte offset in it, so
 * every process mapping it meets on one key; a waiter holds a reference on the object while
 * it sleeps, so the object (and its address, the key) cannot be freed and reused under it
 * even when every mapping goes. Waiters hang in FUTEX_BUCKETS hash chains.
 *
 * Memory: a waiter is a futex_waiter_t on the waiting thread's own kernel stack, linked into
 * its bucket only while it sleeps. WAKE allocates nothing; a WAKE nobody waits for leaves no
 * trace; nothing outlives its waiter. Kernel memory is therefore bounded by the number of
 * threads actually waiting (zero heap bytes per futex).
 *
 * No lost wake-ups: WAIT reads the word and links itself under the scheduler lock, and WAKE
 * unlinks under the same lock, so on any CPU a WAKE that follows the user's store either
 * sees the waiter linked or the waiter sees the new value.
 */
#include "sched/futex.h"
#include "mm/shm.h"
#include <spindle/abi.h>
#include <spindle/errno.h>
#include "kernel/arch/cpu.h"
#include "kernel/panic.h"
#include "kernel/time/clock.h"
#include "kernel/uaccess.h"
#include "sched/sched.h"

#define FUTEX_BUCKETS 256

typedef struct {
    const void *obj;  /* the address space (private) or the shm_t (shared) */
    uint64_t off;     /* the virtual address (private) or the offset in the object */
} futex_key_t;

typedef struct futex_waiter {
    futex_key_t key;
    thread_t *thread;
    struct futex_waiter *next, *prev;
    struct futex_bucket *bucket;
} futex_waiter_t;

/* Waiters in arrival order: WAKE takes the oldest first. */
typedef struct futex_bucket {
    futex_waiter_t *head, *tail;
} futex_bucket_t;

static futex_bucket_t futex_table[FUTEX_BUCKETS];
static uint64_t futex_waiting;

static futex_bucket_t *futex_bucket(const futex_key_t *k)
{
    uint64_t h = ((uint64_t)(uintptr_t)k->obj ^ (k->off >> 2)) * 0x9E3779B97F4A7C15ULL;
    return &futex_table[h >> 56];
}

static bool futex_key_equal(const futex_key_t *a, const futex_key_t *b)
{
    return a->obj == b->obj && a->off == b->off;
}

/* The key of the word at uaddr; *ref is the shared object the caller must shm_put when done
 * (NULL for private memory). Faults nothing in: WAIT reads the word, WAKE needs no page. */
static int futex_key(aspace_t *as, uint64_t uaddr, futex_key_t *key, shm_t **ref)
{
    *ref = NULL;
    if ((uaddr & 3) || !uaccess_range_ok(uaddr, sizeof(uint32_t)) || !as)
        return EFAULT;
    uint64_t off;
    int err = aspace_futex_object(as, uaddr, ref, &off);
    if (err)
        return err;
    if (*ref)
        *key = (futex_key_t){ .obj = *ref, .off = off };
    else
        *key = (futex_key_t){ .obj = as, .off = uaddr };
    return 0;
}

static void futex_key_put(shm_t *ref)
{
    if (ref)
        shm_put(ref);
}

static void waiter_unlink(futex_waiter_t *w)
{
    if (w->prev)
        w->prev->next = w->next;
    else
        w->bucket->head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    else
        w->bucket->tail = w->prev;
    w->next = w->prev = NULL;
    futex_waiting--;
}

/* wait_cancel of a futex waiter (timeout or process exit): interrupts are off. */
static void futex_cancel(thread_t *t)
{
    waiter_unlink(t->wait_obj);
}

int futex_wait(aspace_t *as, uint64_t uaddr, uint32_t val, uint64_t timeout_ns)
{
    futex_key_t key;
    shm_t *ref;
    int err = futex_key(as, uaddr, &key, &ref);
    if (err)
        return err;
    uint64_t deadline = CLOCK_NEVER;
    if (timeout_ns != CLOCK_NEVER) {
        uint64_t now = clock_now_ns();
        deadline = timeout_ns > CLOCK_NEVER - 1 - now ? CLOCK_NEVER - 1 : now + timeout_ns;
    }
    futex_bucket_t *b = futex_bucket(&key);
    thread_t *self = sched_current();
    futex_waiter_t w = { .key = key, .thread = self, .bucket = b };
    uint64_t f = sched_lock();
    uint32_t cur;
    if (copy_from_user(&cur, (const void *)uaddr, sizeof cur))
        err = EFAULT;
    else if (cur != val)
        err = EAGAIN;
    else if (sched_kill_pending(self))
        err = EINTR;
    else if (timeout_ns == 0)
        err = ETIMEDOUT;
    if (err) {
        sched_unlock(f);
        futex_key_put(ref);
        return err;
    }
    w.prev = b->tail;
    if (b->tail)
        b->tail->next = &w;
    else
        b->head = &w;
    b->tail = &w;
    futex_waiting++;
    self->wait_result = 0;
    self->wait_obj = &w;
    self->wait_cancel = futex_cancel;
    self->state = THREAD_BLOCKED;
    if (deadline != CLOCK_NEVER)
        timer_arm_timeout(self, deadline);
    sched_block_current();
    err = self->wait_result;
    sched_unlock(f);
    futex_key_put(ref);
    return err;
}

int64_t futex_wake(aspace_t *as, uint64_t uaddr, uint64_t n)
{
    futex_key_t key;
    shm_t *ref;
    int err = futex_key(as, uaddr, &key, &ref);
    if (err)
        return -(int64_t)err;
    futex_bucket_t *b = futex_bucket(&key);
    int64_t woken = 0;
    uint64_t f = sched_lock();
    for (futex_waiter_t *w = b->head, *next; w && (uint64_t)woken < n; w = next) {
        next = w->next;
        if (!futex_key_equal(&w->key, &key))
            continue;
        waiter_unlink(w);
        w->thread->wait_result = 0;
        sched_wake(w->thread);
        woken++;
    }
    sched_unlock(f);
    futex_key_put(ref);
    return woken;
}

uint64_t futex_waiters(void)
{
    return __atomic_load_n(&futex_waiting, __ATOMIC_RELAXED);
}
