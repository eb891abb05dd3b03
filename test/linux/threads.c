/* threads.c - a Linux program for test/linux.sh: pthreads (create, join, mutex, condition
 * variable, TLS variables, a semaphore). Output is identical on Linux and Spindle. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>

enum { THREADS = 4, ROUNDS = 20000, ITEMS = 1000 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long counter;
static __thread long mine = 100;
static int queue[16], head, tail, count;
static sem_t sem;

static void *adder(void *arg)
{
    long id = (long)arg;
    mine += id;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
    }
    sem_post(&sem);
    return (void *)(mine * 10);
}

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&lock);
        while (count == 16)
            pthread_cond_wait(&cond, &lock);
        queue[tail] = i;
        tail = (tail + 1) % 16;
        count++;
        pthread_cond_broadcast(&cond);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

int main(void)
{
    cpu_set_t set;
    int got = sched_getaffinity(0, sizeof set, &set);
    printf("affinity: get %d, some cpu %d, set back %d\n", got, CPU_COUNT(&set) > 0,
           sched_setaffinity(0, sizeof set, &set));
    pthread_t t[THREADS];
    sem_init(&sem, 0, 0);
    for (long i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, adder, (void *)i);
    for (int i = 0; i < THREADS; i++)
        sem_wait(&sem);
    long sum = 0;
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        sum += (long)r;
    }
    printf("mutex: counter %ld (want %d)\n", counter, THREADS * ROUNDS);
    printf("tls: main's copy %ld, threads' results sum %ld\n", mine, sum);

    pthread_t p;
    pthread_create(&p, NULL, producer, NULL);
    long total = 0;
    for (int got = 0; got < ITEMS; got++) {
        pthread_mutex_lock(&lock);
        while (count == 0)
            pthread_cond_wait(&cond, &lock);
        total += queue[head];
        head = (head + 1) % 16;
        count--;
        pthread_cond_broadcast(&cond);
        pthread_mutex_unlock(&lock);
    }
    pthread_join(p, NULL);
    printf("condvar: consumed sum %ld (want %d)\n", total, ITEMS * (ITEMS + 1) / 2);
    return 0;
}
