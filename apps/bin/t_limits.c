/*
 * t_limits - storms against the limits of spindle/limits.h end in EAGAIN exactly at the
 * documented numbers, never in a dead kernel:
 *   - a flat spawn storm and a fork-bomb tree fill the process table to SPINDLE_PROCESS_MAX;
 *   - a thread storm in one process stops at SPINDLE_THREADS_PER_PROCESS_MAX, and one spread
 *     over several processes at SPINDLE_THREAD_MAX (then spawn is refused too: a new process
 *     needs a thread);
 * after each storm every child is reaped, the kernel's free pages and heap are back within a
 * small slack, refused calls took nothing, and a fresh spawn works. "Exactly" is checked by
 * counting /proc at the moment of refusal (every process there, zombies included, and every
 * process's threads), so orphans left by earlier tests do not matter.
 * On a machine too small to reach a limit a storm may end in ENOMEM instead, but only when
 * the free pages really are down at the kernel's reserve.
 *
 * The storm's helpers are this program again, sharing one MAP_SHARED page (spawned with
 * SPAWN_SHARE_MEMORY, so the page and its futex words are the same in all of them):
 *   t_limits sleeper ADDR   settles, waits until the word `go` at ADDR is set, exits 0
 *   t_limits bomb ADDR      spawns bombs (up to BOMB_FANOUT) until refused, then as a sleeper,
 *                           then reaps its children; exits 0 if all of them exited 0
 *   t_limits threads ADDR   makes threads until refused, reports, waits for `go`, exits 0
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <spindle/limits.h>
#include "t_check.h"

#define P "t_limits"
#define MS 1000000ULL
#define BOMB_FANOUT        4
#define REFUSED_SPAWNS     100
#define SETTLE_TIMEOUT_NS  (120ULL * 1000 * MS)
/* What the kernel may keep after a storm on purpose (an empty slab per heap class, like the
 * fuzzer's leak check allows), and how close to the reserve "memory ran out" must be. */
#define SLACK_PAGES        64
#define SLACK_HEAP         (16 * 1024)
#define EXHAUSTED_PAGES    256
/* The page tables of the kernel-stack area stay at their high-water mark (one table per 8
 * stack slots of 256 KiB): the first storm to reach SPINDLE_THREAD_MAX may keep this many. */
#define KSTACK_TABLE_PAGES (SPINDLE_THREAD_MAX / 8 + 8)

typedef struct {
    uint32_t go;       /* futex: 0 while a storm holds, 1 lets every helper end */
    uint32_t started;  /* helpers counted by their parent just before it spawns them */
    uint32_t settled;  /* helpers done making children or threads */
    uint32_t eagain;   /* helpers whose last attempt failed with EAGAIN */
    uint32_t enomem;   /* ... with ENOMEM */
    uint32_t other;    /* ... with anything else */
    uint32_t threads;  /* threads the helpers made (their main threads not included) */
    uint32_t thread_go;  /* futex for the threads of one process */
    uint32_t threads_alive;
} shared_t;

static shared_t *sh;

/* ---------------------------------------------------------------- helpers' side */

static void wait_for_go(uint32_t *go)
{
    while (__atomic_load_n(go, __ATOMIC_ACQUIRE) == 0)
        sys_futex(go, FUTEX_WAIT, 0, CLOCK_NEVER);
}

static void note_failure(uint64_t err)
{
    uint32_t *c = err == EAGAIN ? &sh->eagain : err == ENOMEM ? &sh->enomem : &sh->other;
    __atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

static void settle(void)
{
    __atomic_fetch_add(&sh->settled, 1, __ATOMIC_RELEASE);
}

/* Spawns `t_limits MODE ADDR` sharing the storm page; ERR with the errno on refusal. */
static uint64_t spawn_helper(const char *mode)
{
    char addr[24];
    snprintf(addr, sizeof addr, "%llx", (unsigned long long)(uintptr_t)sh);
    const char *argv[] = { "/bin/t_limits", mode, addr, NULL };
    return sys_spawn(argv, NULL, NULL, SPAWN_SHARE_MEMORY);
}

/* A child's part of a fork bomb: children until refused (counted in started before each
 * spawn, so the root sees started == settled only when nobody is still spawning). */
static unsigned bomb_spawn_children(uint64_t kids[BOMB_FANOUT])
{
    unsigned n = 0;
    while (n < BOMB_FANOUT) {
        __atomic_fetch_add(&sh->started, 1, __ATOMIC_RELAXED);
        uint64_t pid = spawn_helper("bomb");
        if (pid == ERR) {
            note_failure(sys_errno());
            __atomic_fetch_sub(&sh->started, 1, __ATOMIC_RELAXED);
            break;
        }
        kids[n++] = pid;
    }
    return n;
}

static int bomb_main(void)
{
    uint64_t kids[BOMB_FANOUT];
    unsigned n = bomb_spawn_children(kids);
    settle();
    wait_for_go(&sh->go);
    int bad = 0;
    for (unsigned i = 0; i < n; i++) {
        int32_t st = -1;
        bad |= sys_wait(kids[i], &st, 0) != kids[i] || st != 0;
    }
    return bad;
}

static void storm_thread(void *arg)
{
    (void)arg;
    wait_for_go(&sh->thread_go);
    __atomic_fetch_sub(&sh->threads_alive, 1, __ATOMIC_RELEASE);
    sys_thread_exit();
}

/* Raw threads (no pthread bookkeeping) until refused; returns how many and the errno. */
static unsigned make_threads(uint64_t *err)
{
    unsigned n = 0;
    for (;;) {
        __atomic_fetch_add(&sh->threads_alive, 1, __ATOMIC_RELAXED);
        if (sys_thread_create((void *)storm_thread, NULL, NULL) == ERR) {
            *err = sys_errno();
            __atomic_fetch_sub(&sh->threads_alive, 1, __ATOMIC_RELAXED);
            return n;
        }
        if (++n > 4 * SPINDLE_THREAD_MAX) { /* no limit at all: stop anyway */
            *err = 0;
            return n;
        }
    }
}

static int threads_main(void)
{
    uint64_t err;
    unsigned n = make_threads(&err);
    __atomic_fetch_add(&sh->threads, n, __ATOMIC_RELAXED);
    note_failure(err);
    settle();
    wait_for_go(&sh->go);
    __atomic_store_n(&sh->thread_go, 1, __ATOMIC_RELEASE);
    sys_futex(&sh->thread_go, FUTEX_WAKE, 0x7fffffff, CLOCK_NEVER);
    return 0; /* the process ends with its threads */
}

/* ---------------------------------------------------------------- counting from /proc */

static long proc_number(const char *pid, const char *field)
{
    char path[64], buf[32];
    snprintf(path, sizeof path, "/proc/%s/%s", pid, field);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    return strtol(buf, NULL, 10);
}

/* Processes in the table (alive and zombie) and, in *threads, their threads. */
static unsigned count_processes(unsigned *threads)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    unsigned n = 0, t = 0;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        n++;
        long k = proc_number(e->d_name, "threads");
        t += k > 0 ? (unsigned)k : 0;
    }
    if (d)
        closedir(d);
    if (threads)
        *threads = t;
    return n;
}

static unsigned my_threads(void)
{
    char pid[24];
    snprintf(pid, sizeof pid, "%llu", (unsigned long long)sys_getpid());
    long k = proc_number(pid, "threads");
    return k > 0 ? (unsigned)k : 0;
}

/* ---------------------------------------------------------------- the storms */

static const char *errname(uint64_t err)
{
    const char *s = err ? spindle_errno_name((int)err) : NULL;
    return s ? s : "no refusal";
}

static void storm_reset(void)
{
    memset(sh, 0, sizeof *sh);
}

static void release_all(void)
{
    __atomic_store_n(&sh->go, 1, __ATOMIC_RELEASE);
    sys_futex(&sh->go, FUTEX_WAKE, 0x7fffffff, CLOCK_NEVER);
}

/* ENOMEM is a clean refusal only when memory really is gone. */
static int memory_exhausted(void)
{
    meminfo_t m;
    sys_meminfo(&m);
    return m.free_pages <= m.reserve_pages + EXHAUSTED_PAGES;
}

static int memory_back_within(const char *what, const meminfo_t *before, int64_t slack_pages)
{
    meminfo_t after;
    sys_meminfo(&after);
    int64_t pages = (int64_t)before->free_pages - (int64_t)after.free_pages;
    int64_t heap = (int64_t)after.heap_bytes - (int64_t)before->heap_bytes;
    printf("t_limits: after %s: free pages %llu -> %llu, heap %llu -> %llu bytes\n", what,
           (unsigned long long)before->free_pages, (unsigned long long)after.free_pages,
           (unsigned long long)before->heap_bytes, (unsigned long long)after.heap_bytes);
    return pages <= slack_pages && heap <= SLACK_HEAP;
}

static int memory_back(const char *what, const meminfo_t *before)
{
    return memory_back_within(what, before, SLACK_PAGES);
}

/* Waits until every helper started has settled; false after the timeout. */
static int wait_settled(void)
{
    uint64_t end = sys_uptime() + SETTLE_TIMEOUT_NS;
    while (__atomic_load_n(&sh->settled, __ATOMIC_ACQUIRE) !=
           __atomic_load_n(&sh->started, __ATOMIC_ACQUIRE)) {
        if (sys_uptime() > end)
            return 0;
        sys_nanosleep(2 * MS);
    }
    return 1;
}

static void check_spawn_storm(void)
{
    static uint64_t pids[SPINDLE_PROCESS_MAX];
    meminfo_t before;
    storm_reset();
    sys_meminfo(&before);
    unsigned n0 = count_processes(NULL), n = 0;
    uint64_t t0 = sys_uptime(), pid, err = 0;
    while (n < SPINDLE_PROCESS_MAX && (pid = spawn_helper("sleeper")) != ERR)
        pids[n++] = pid;
    if (n < SPINDLE_PROCESS_MAX)
        err = sys_errno();
    unsigned at_full = count_processes(NULL);
    int exhausted = err == ENOMEM && memory_exhausted();
    meminfo_t full;
    sys_meminfo(&full);
    printf("t_limits: spawn storm: %u children on top of %u processes in %llu ms, then %s; "
           "free pages %llu -> %llu\n", n, n0, (unsigned long long)((sys_uptime() - t0) / MS),
           errname(err), (unsigned long long)before.free_pages,
           (unsigned long long)full.free_pages);
    T_CHECK(P, "spawn-storm-eagain-at-process-max",
            (err == EAGAIN && at_full == SPINDLE_PROCESS_MAX) || exhausted);

    /* Refused spawns take nothing and stay refused. The children must be asleep first: on
     * another CPU they could still be starting up (and taking pages). With several CPUs the
     * heap moves a little by itself (threads reaped late), so "nothing" is: less than one
     * smallest heap object (16 bytes) and less than one page per refused spawn. */
    __atomic_store_n(&sh->started, n, __ATOMIC_RELEASE);
    T_CHECK(P, "spawn-storm-children-all-asleep", wait_settled());
    meminfo_t full_a, full_b;
    sys_meminfo(&full_a);
    int same = 1;
    for (int i = 0; i < REFUSED_SPAWNS; i++)
        same &= spawn_helper("sleeper") == ERR && sys_errno() == err;
    sys_meminfo(&full_b);
    printf("t_limits: %d refused spawns: free pages %llu -> %llu, heap %llu -> %llu bytes\n",
           REFUSED_SPAWNS, (unsigned long long)full_a.free_pages,
           (unsigned long long)full_b.free_pages, (unsigned long long)full_a.heap_bytes,
           (unsigned long long)full_b.heap_bytes);
    T_CHECK(P, "refused-spawns-stay-refused-and-take-nothing",
            same && (int64_t)(full_b.heap_bytes - full_a.heap_bytes) < REFUSED_SPAWNS * 16 &&
            (int64_t)(full_a.free_pages - full_b.free_pages) < REFUSED_SPAWNS);

    release_all();
    int reaped = 1;
    for (unsigned i = 0; i < n; i++) {
        int32_t st = -1;
        reaped &= sys_wait(pids[i], &st, 0) == pids[i] && st == 0;
    }
    T_CHECK(P, "spawn-storm-children-all-reaped",
            reaped && T_FAILS_WITH(sys_wait(WAIT_ANY, NULL, WNOHANG), ECHILD));
    T_CHECK(P, "spawn-storm-table-back", count_processes(NULL) == n0);
    T_CHECK(P, "spawn-storm-memory-back", memory_back("spawn storm", &before));
    T_CHECK(P, "spawn-after-storm-works", t_run1("/bin/t_child", "5") == 5);
}

static void check_fork_bomb(void)
{
    meminfo_t before;
    storm_reset();
    sys_meminfo(&before);
    unsigned n0 = count_processes(NULL);
    uint64_t t0 = sys_uptime();
    uint64_t kids[BOMB_FANOUT];
    unsigned n = bomb_spawn_children(kids); /* the root of the tree, like bomb_main */
    int settled = wait_settled();
    unsigned at_full = count_processes(NULL);
    int exhausted = sh->enomem && memory_exhausted();
    printf("t_limits: fork bomb: %u processes on top of %u in %llu ms; refusals: %u EAGAIN, "
           "%u ENOMEM, %u other\n", sh->started, n0,
           (unsigned long long)((sys_uptime() - t0) / MS), sh->eagain, sh->enomem, sh->other);
    T_CHECK(P, "fork-bomb-settles", settled);
    T_CHECK(P, "fork-bomb-eagain-at-process-max",
            (sh->eagain > 0 && sh->other == 0 && sh->enomem == 0 &&
             at_full == SPINDLE_PROCESS_MAX) || (exhausted && sh->other == 0));
    release_all();
    int ok = 1;
    for (unsigned i = 0; i < n; i++) {
        int32_t st = -1;
        ok &= sys_wait(kids[i], &st, 0) == kids[i] && st == 0;
    }
    T_CHECK(P, "fork-bomb-tree-reaped", ok && count_processes(NULL) == n0);
    T_CHECK(P, "fork-bomb-memory-back", memory_back("fork bomb", &before));
}

/* Lets this process's storm threads end and waits until they have left. */
static int end_my_threads(void)
{
    __atomic_store_n(&sh->thread_go, 1, __ATOMIC_RELEASE);
    sys_futex(&sh->thread_go, FUTEX_WAKE, 0x7fffffff, CLOCK_NEVER);
    uint64_t end = sys_uptime() + SETTLE_TIMEOUT_NS;
    while (__atomic_load_n(&sh->threads_alive, __ATOMIC_ACQUIRE) != 0 || my_threads() != 1) {
        if (sys_uptime() > end)
            return 0;
        sys_nanosleep(2 * MS);
    }
    return 1;
}

static void check_thread_storm_in_one_process(void)
{
    meminfo_t before;
    sys_meminfo(&before);
    for (int round = 0; round < 2; round++) { /* the second proves every slot came back */
        storm_reset();
        uint64_t err, t0 = sys_uptime();
        unsigned n = make_threads(&err);
        unsigned mine = my_threads();
        int exhausted = err == ENOMEM && memory_exhausted();
        printf("t_limits: thread storm %d: %u threads in %llu ms, then %s\n", round + 1, n,
               (unsigned long long)((sys_uptime() - t0) / MS), errname(err));
        if (round == 0)
            T_CHECK(P, "thread-storm-eagain-at-per-process-max",
                    (err == EAGAIN && n == SPINDLE_THREADS_PER_PROCESS_MAX - 1 &&
                     mine == SPINDLE_THREADS_PER_PROCESS_MAX) || exhausted);
        else
            T_CHECK(P, "thread-storm-again-same-limit",
                    (err == EAGAIN && n == SPINDLE_THREADS_PER_PROCESS_MAX - 1) || exhausted);
        if (round == 0)
            T_CHECK(P, "thread-storm-threads-all-end", end_my_threads());
        else
            T_CHECK(P, "thread-storm-again-threads-all-end", end_my_threads());
    }
    T_CHECK(P, "thread-storm-memory-back", memory_back("thread storm", &before));
}

/* Round 0 may leave the kernel-stack tables at a new high-water mark; round 1 must give
 * back everything. */
static void check_thread_storm_system_wide(int round)
{
    static uint64_t pids[SPINDLE_PROCESS_MAX];
    meminfo_t before;
    storm_reset();
    sys_meminfo(&before);
    unsigned n0 = count_processes(NULL), n = 0, threads_at_full = 0;
    uint64_t t0 = sys_uptime(), err = 0;
    int settled = 1;
    /* One helper at a time, each making threads until refused, until spawn itself is refused
     * (every process needs a thread) or memory ends the storm. */
    while (n < SPINDLE_PROCESS_MAX) {
        __atomic_fetch_add(&sh->started, 1, __ATOMIC_RELAXED);
        uint64_t pid = spawn_helper("threads");
        if (pid == ERR) {
            err = sys_errno();
            __atomic_fetch_sub(&sh->started, 1, __ATOMIC_RELAXED);
            break;
        }
        pids[n++] = pid;
        if (!(settled = wait_settled()) || sh->enomem || sh->other)
            break;
    }
    count_processes(&threads_at_full);
    int exhausted = (err == ENOMEM || sh->enomem) && memory_exhausted();
    printf("t_limits: system thread storm %d: %u processes, %u threads (%u in the system) in %llu "
           "ms; spawn then %s; refusals: %u EAGAIN, %u ENOMEM, %u other\n", round + 1, n,
           sh->threads,
           threads_at_full, (unsigned long long)((sys_uptime() - t0) / MS),
           errname(err), sh->eagain, sh->enomem, sh->other);
    int at_max = (err == EAGAIN && sh->other == 0 && sh->enomem == 0 &&
                  threads_at_full == SPINDLE_THREAD_MAX) || (exhausted && sh->other == 0);
    if (round == 0) {
        T_CHECK(P, "system-thread-storm-settles", settled);
        T_CHECK(P, "system-thread-storm-eagain-at-thread-max", at_max);
    } else {
        T_CHECK(P, "system-thread-storm-again-settles", settled);
        T_CHECK(P, "system-thread-storm-again-same-limit", at_max);
    }
    release_all();
    int ok = 1;
    for (unsigned i = 0; i < n; i++) {
        int32_t st = -1;
        ok &= sys_wait(pids[i], &st, 0) == pids[i] && st == 0;
    }
    if (round == 0) {
        T_CHECK(P, "system-thread-storm-reaped", ok && count_processes(NULL) == n0);
        T_CHECK(P, "system-thread-storm-memory-back-but-kstack-tables",
                memory_back_within("system thread storm", &before,
                                   SLACK_PAGES + KSTACK_TABLE_PAGES));
    } else {
        T_CHECK(P, "system-thread-storm-again-reaped", ok && count_processes(NULL) == n0);
        T_CHECK(P, "system-thread-storm-again-memory-back",
                memory_back("second system thread storm", &before));
        T_CHECK(P, "thread-after-storm-works", t_run1("/bin/t_child", "thread-exit") == 0);
    }
}

/* Everything the kernel caches on first use (slabs for processes and threads, the program's
 * pages) is in place before the first "before" figure. */
static void warm_up(void)
{
    storm_reset();
    uint64_t pid = spawn_helper("sleeper");
    uint64_t err;
    make_threads(&err);
    release_all();
    end_my_threads();
    if (pid != ERR)
        sys_wait(pid, NULL, 0);
}

int main(int argc, char **argv)
{
    if (argc == 3) {
        sh = (shared_t *)(uintptr_t)strtoull(argv[2], NULL, 16);
        if (strcmp(argv[1], "sleeper") == 0) {
            settle();
            wait_for_go(&sh->go);
            return 0;
        }
        if (strcmp(argv[1], "bomb") == 0)
            return bomb_main();
        if (strcmp(argv[1], "threads") == 0)
            return threads_main();
        return 2;
    }
    sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED) {
        printf("FAIL user." P ".setup: no shared page\n");
        return 1;
    }
    warm_up();
    check_spawn_storm();
    check_fork_bomb();
    check_thread_storm_in_one_process();
    check_thread_storm_system_wide(0);
    check_thread_storm_system_wide(1);
    return t_failures ? 1 : 0;
}
