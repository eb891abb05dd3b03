/*
 * t_smp - several CPUs from user space (it runs on one CPU too; the cross-CPU cases are
 * skipped there):
 * - four threads hammer one futex-based mutex; the total is exact, and with more than one
 *   CPU online the threads were seen on more than one CPU (RDTSCP's TSC_AUX is the CPU
 *   number, readable in ring 3);
 * - munmap while another thread on another CPU reads the same pages: once munmap has
 *   returned, the reader never sees the page again (no stale TLB entry survives the
 *   shootdown); it dies with a clean #PF instead (the child "munmap-race" of this program);
 * - setaffinity moves the caller to each CPU in turn (TSC_AUX says where it runs), and
 *   refuses CPUs that are not online;
 * - four CPU-bound threads: the wall time is reported ("t_smp: 4 busy threads ...") so the
 *   runner can print the speed-up between the -smp 1 and -smp 2 runs (not asserted), with
 *   each CPU's ticks, switches and pulls ("note" lines: the suite keeps them in the log).
 */
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include "t_check.h"

#define P "t_smp"
#define MS 1000000ULL
#define HAMMER_THREADS 4
#define HAMMER_ROUNDS 20000
#define PF_VECTOR 14

/* RDTSCP works in ring 3 and returns TSC_AUX, the CPU number. Old CPU models lack it: then
 * the cases that need to know where a thread runs are skipped. */
static int have_rdtscp(void)
{
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000000u), "c"(0));
    if (a < 0x80000001u)
        return 0;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000001u), "c"(0));
    return (d >> 27) & 1;
}

static unsigned cpu_now(void)
{
    uint32_t lo, hi, aux;
    __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
    return aux & 0xfff;
}

/* ---------------------------------------------------------------- futex mutex hammer */

static pthread_mutex_t hammer_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t hammer_total;
static volatile uint64_t cpus_seen;
static pthread_barrier_t hammer_start;
static unsigned hammer_want_cpus;     /* keep going past the rounds until this many seen */
static uint64_t hammer_deadline;

static unsigned bits_set(uint64_t v)
{
    unsigned n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

/* At least HAMMER_ROUNDS, and more while fewer CPUs than wanted have been seen (a vCPU the
 * host has not scheduled yet) until the deadline. Returns its own count of increments. */
static void *t_hammer(void *arg)
{
    (void)arg;
    uint64_t done = 0;
    pthread_barrier_wait(&hammer_start); /* all at once, or the first may finish alone */
    while (done < HAMMER_ROUNDS || (bits_set(cpus_seen) < hammer_want_cpus &&
                                    sys_uptime() < hammer_deadline)) {
        pthread_mutex_lock(&hammer_lock);
        uint64_t v = hammer_total; /* a plain read-modify-write: only the lock protects it */
        __asm__ volatile("" ::: "memory");
        hammer_total = v + 1;
        pthread_mutex_unlock(&hammer_lock);
        if ((done++ & 255) == 0 && hammer_want_cpus > 1)
            __atomic_or_fetch(&cpus_seen, 1ULL << (cpu_now() & 63), __ATOMIC_RELAXED);
    }
    return (void *)(uintptr_t)done;
}

static void check_hammer(unsigned cpus)
{
    pthread_t t[HAMMER_THREADS];
    int seen = have_rdtscp();
    hammer_want_cpus = cpus > 1 && seen ? 2 : 1;
    hammer_deadline = sys_uptime() + 5000 * MS;
    pthread_barrier_init(&hammer_start, NULL, HAMMER_THREADS);
    for (int i = 0; i < HAMMER_THREADS; i++)
        pthread_create(&t[i], NULL, t_hammer, NULL);
    uint64_t sum = 0;
    for (int i = 0; i < HAMMER_THREADS; i++) {
        void *done = NULL;
        pthread_join(t[i], &done);
        sum += (uint64_t)(uintptr_t)done;
    }
    T_CHECK(P, "futex-mutex-total-exact",
            hammer_total == sum && sum >= HAMMER_THREADS * HAMMER_ROUNDS);
    if (cpus > 1 && seen)
        T_CHECK(P, "mutex-threads-ran-on-several-cpus", bits_set(cpus_seen) >= 2);
    else
        T_SKIP(P, "mutex-threads-ran-on-several-cpus", seen ? "one CPU online" : "no RDTSCP");
}

/* ---------------------------------------------------------------- munmap race (child) */

#define RACE_PAGES 16
#define RACE_MAGIC 0x5350494e444c4521ULL

static volatile uint64_t *race_area;
static volatile int race_reading, race_unmapped;

/* Reads the area until it faults. The flag is read before the data: a read that succeeds
 * after munmap returned is a stale translation. */
static void *t_race_reader(void *arg)
{
    (void)arg;
    for (uint64_t n = 0;; n++) {
        int done = __atomic_load_n(&race_unmapped, __ATOMIC_ACQUIRE);
        uint64_t v = race_area[(n % RACE_PAGES) * 512];
        if (done)
            sys_process_exit(3); /* read through a stale TLB entry */
        if (v != RACE_MAGIC)
            sys_process_exit(4);
        race_reading = 1;
    }
    return NULL;
}

static int munmap_race_child(void)
{
    race_area = mmap(NULL, RACE_PAGES * 4096, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (race_area == MAP_FAILED)
        return 5;
    for (int i = 0; i < RACE_PAGES; i++)
        race_area[i * 512] = RACE_MAGIC;
    pthread_t t;
    pthread_create(&t, NULL, t_race_reader, NULL);
    while (!race_reading)
        __asm__ volatile("pause");
    if (munmap((void *)race_area, RACE_PAGES * 4096) != 0)
        return 6;
    __atomic_store_n(&race_unmapped, 1, __ATOMIC_RELEASE);
    /* The reader must fault now; its #PF ends the whole process. */
    sys_nanosleep(2000 * MS);
    return 7; /* it did not fault */
}

static void check_munmap_race(unsigned cpus)
{
    const char *argv[] = { "/bin/t_smp", "munmap-race", NULL };
    int ok = 1;
    for (int round = 0; round < 5 && ok; round++) {
        int64_t st = t_run(argv);
        ok = st == (int64_t)(WAIT_STATUS_KILLED | (T_FAULT_BASE + PF_VECTOR));
        if (!ok)
            printf("t_smp: munmap race round %d: status 0x%llx\n", round,
                   (unsigned long long)st);
    }
    T_CHECK(P, "munmap-while-another-thread-reads-faults-cleanly", ok);
    (void)cpus;
}

/* ---------------------------------------------------------------- speed-up report */

static volatile uint64_t busy_sink;

static void *t_busy(void *arg)
{
    uint64_t x = (uint64_t)(uintptr_t)arg, n = 40000000ULL;
    for (uint64_t i = 0; i < n; i++)
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;

    __atomic_add_fetch(&busy_sink, x, __ATOMIC_RELAXED);
    return NULL;
}

/* The per-CPU lines of /proc/system (ticks, switches, pulls), for the report. */
static void print_cpu_lines(void)
{
    static char text[2048];
    int64_t fd = (int64_t)sys_open("/proc/system", O_RDONLY);
    if (fd < 0)
        return;
    int64_t n = (int64_t)sys_read((uint64_t)fd, text, sizeof text - 1);
    sys_close((uint64_t)fd);
    text[n > 0 ? n : 0] = '\0';
    for (char *line = text, *end; *line; line = end) {
        end = strchr(line, '\n');
        end = end ? end + 1 : line + strlen(line);
        if (strncmp(line, "cpu", 3) == 0 && line[3] >= '0' && line[3] <= '9')
            printf("note t_smp: %.*s", (int)(end - line), line);
    }
}

static void report_speedup(unsigned cpus)
{
    pthread_t t[4];
    uint64_t t0 = sys_uptime();
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, t_busy, (void *)(uintptr_t)(i + 1));
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    uint64_t ms = (sys_uptime() - t0) / MS;
    printf("note t_smp: 4 busy threads took %llu ms on %u CPUs\n", (unsigned long long)ms, cpus);
    print_cpu_lines();
    T_CHECK(P, "four-busy-threads-finish", busy_sink != 0);
}

/* ---------------------------------------------------------------- setaffinity */

static void check_affinity(unsigned cpus)
{
    int moved = 1;
    if (!have_rdtscp()) {
        T_SKIP(P, "setaffinity-moves-the-caller-to-each-cpu", "no RDTSCP to see the CPU");
        cpus = 0;
    }
    for (unsigned c = 0; c < cpus; c++) {
        moved &= sys_setaffinity(0, c) == 0;
        sys_yield(); /* runs on c from its next scheduling decision on, if not at once */
        for (int i = 0; i < 1000; i++)
            moved &= cpu_now() == c;
    }
    if (cpus)
        T_CHECK(P, "setaffinity-moves-the-caller-to-each-cpu", moved);
    cpus = (unsigned)t_cpus_online();
    T_CHECK(P, "setaffinity-any-cpu-again", sys_setaffinity(0, (uint64_t)-1) == 0);
    T_CHECK(P, "setaffinity-offline-cpu-einval", T_FAILS_WITH(sys_setaffinity(0, cpus), EINVAL));
    T_CHECK(P, "setaffinity-negative-einval", T_FAILS_WITH(sys_setaffinity(0, (uint64_t)-2), EINVAL));
    T_CHECK(P, "setaffinity-unknown-thread-esrch",
            T_FAILS_WITH(sys_setaffinity(999999, 0), ESRCH));
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "munmap-race") == 0)
        return munmap_race_child();
    unsigned cpus = t_cpus_online();
    check_affinity(cpus);
    check_hammer(cpus);
    check_munmap_race(cpus);
    report_speedup(cpus);
    return t_failures ? 1 : 0;
}
