/*
 * t_mem - memory shared with a child (SPAWN_SHARE_MEMORY) and a futex on it, exhaustion
 * (map and touch until ENOMEM, and overcommit until the kernel kills the toucher: the
 * kernel and other programs go on), and the free-page count afterwards equal to before.
 * t_mem MODE [ARG] runs one child case.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "t_check.h"

#define P "t_mem"
#define PG 4096UL
#define RW (PROT_READ | PROT_WRITE)
#define PF_KILLED (WAIT_STATUS_KILLED | (T_FAULT_BASE + 14))
#define CHUNK (4UL << 20)

static void *map(uint64_t len, uint64_t flags)
{
    return sys_mmap(NULL, len, RW, flags | MAP_ANONYMOUS, (uint64_t)-1, 0);
}

static void touch(volatile char *p, uint64_t len)
{
    for (uint64_t i = 0; i < len; i += PG)
        p[i] = 1;
}

static void hex(char *out, uint64_t v)
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--, v >>= 4)
        out[i] = digits[v & 0xf];
    out[16] = 0;
}

/* Waits until *word != 0: futex when the kernel has it, else yield and look again. */
static void wait_nonzero(volatile uint32_t *word)
{
    while (*word == 0) {
        uint64_t r = sys_futex((void *)word, FUTEX_WAIT, 0, CLOCK_NEVER);
        if (r == ERR && sys_errno() == ENOSYS)
            sys_yield();
    }
}

/* ---- children */

static int child_shared(const char *arg)
{
    volatile uint32_t *w = (volatile uint32_t *)strtoull(arg, NULL, 16);
    if (w[2] != 0x5eed)
        return 3; /* the parent's write is not visible */
    w[1] = 42;
    __atomic_store_n(&w[0], 1, __ATOMIC_RELEASE);
    sys_futex((void *)w, FUTEX_WAKE, 1, 0);
    return 0;
}

/* Maps and touches chunks until mmap says ENOMEM: exit 0 then (7 if it never did). */
static int child_until_enomem(void)
{
    for (int i = 0; i < 100000; i++) {
        char *p = map(CHUNK, MAP_PRIVATE);
        if (!p)
            return sys_errno() == ENOMEM ? 0 : 6;
        touch(p, CHUNK);
    }
    return 7;
}

/* Holds `pages` (hex) touched pages until the parent releases it (see hold_until_short). */
static int child_hold(const char *sync_arg, const char *pages_arg)
{
    volatile uint32_t *sync = (volatile uint32_t *)strtoull(sync_arg, NULL, 16);
    meminfo_t mi;
    sys_meminfo(&mi);
    uint64_t pages = strtoull(pages_arg, NULL, 16), room = mi.proc_limit_pages - mi.proc_mapped_pages;
    uint64_t len = (pages < room ? pages : room) * PG;
    char *p = map(len, MAP_PRIVATE);
    if (!p)
        return 10;
    touch(p, len);
    __atomic_add_fetch(&sync[0], 1, __ATOMIC_RELEASE);
    sys_futex((void *)&sync[0], FUTEX_WAKE, 1, 0);
    while (!__atomic_load_n(&sync[1], __ATOMIC_ACQUIRE))
        sys_futex((void *)&sync[1], FUTEX_WAIT, 0, CLOCK_NEVER);
    return 0;
}

/* Maps two regions that together exceed free memory, then touches both: must be killed. */
static int child_overcommit(void)
{
    meminfo_t mi;
    sys_meminfo(&mi);
    uint64_t avail = mi.free_pages - mi.reserve_pages;
    uint64_t room = mi.proc_limit_pages - mi.proc_mapped_pages;
    uint64_t each = (avail * 3 / 4) * PG;
    if (2 * (each / PG) > room)
        return 8; /* the parent's setup was wrong */
    char *a = map(each, MAP_PRIVATE), *b = map(each, MAP_PRIVATE);
    if (!a || !b)
        return 9;
    touch(a, each);
    touch(b, each);
    return 0;
}

/* ---- parent cases */

static void check_shared(void)
{
    volatile uint32_t *w = map(PG, MAP_SHARED);
    if (!w) {
        T_CHECK(P, "map-shared", 0);
        return;
    }
    w[2] = 0x5eed;
    char addr[17];
    hex(addr, (uint64_t)w);
    const char *argv[] = { "/bin/t_mem", "shared", addr, NULL };
    uint64_t pid = sys_spawn(argv, NULL, NULL, SPAWN_SHARE_MEMORY);
    T_CHECK(P, "spawn-share-memory", pid != ERR);
    if (pid == ERR)
        return;
    wait_nonzero(&w[0]);
    T_CHECK(P, "child-write-seen-through-shared-page", w[1] == 42);
    int32_t st = -1;
    T_CHECK(P, "shared-child-exits-0", sys_wait(pid, &st, 0) == pid && st == 0);
    T_CHECK(P, "shared-page-outlives-child", w[1] == 42 && w[2] == 0x5eed);
    sys_munmap((void *)w, PG);

    void *priv = map(PG, MAP_SHARED);
    char a2[17];
    hex(a2, (uint64_t)priv);
    const char *argv2[] = { "/bin/t_mem", "shared", a2, NULL };
    T_CHECK(P, "without-flag-child-cannot-see-it", t_run(argv2) == PF_KILLED);
    sys_munmap(priv, PG);
}

/* Children that each map and touch part of free memory and keep it until released, so
 * that what is left is below half the per-process limit on a machine of any size: then a
 * child mapping 3/4 of it twice overcommits without reaching its own limit. sync[0] counts
 * holders that are ready, sync[1] releases them. */
#define HOLDERS_MAX 64

/* Starts holder number n (sync[0] == n before) taking up to `pages`; true once it holds
 * them, false when it could not start or ended without holding. */
static bool holder_start(volatile uint32_t *sync, uint64_t *pid, uint32_t n, uint64_t pages)
{
    char addr[17], count[17];
    hex(addr, (uint64_t)sync);
    hex(count, pages); /* the holder takes what its own limit allows of it */
    const char *argv[] = { "/bin/t_mem", "hold", addr, count, NULL };
    *pid = sys_spawn(argv, NULL, NULL, SPAWN_SHARE_MEMORY);
    if (*pid == ERR)
        return false;
    uint32_t ready;
    int32_t st;
    while ((ready = __atomic_load_n(&sync[0], __ATOMIC_ACQUIRE)) < n + 1) {
        if (sys_wait(*pid, &st, WNOHANG) == *pid)
            return false;
        sys_futex((void *)&sync[0], FUTEX_WAIT, ready, 100 * 1000000ULL);
    }
    return true;
}

/* Holders until what is left is below half the limit; returns how many were started. */
static int hold_until_short(volatile uint32_t *sync, uint64_t *pids)
{
    int n = 0;
    for (; n < HOLDERS_MAX; n++) {
        meminfo_t mi;
        sys_meminfo(&mi);
        uint64_t avail = mi.free_pages - mi.reserve_pages, half = mi.proc_limit_pages / 2;
        if (avail <= half || !holder_start(sync, &pids[n], (uint32_t)n, avail - half))
            break;
    }
    return n;
}

static void release_holders(volatile uint32_t *sync, const uint64_t *pids, int n)
{
    __atomic_store_n(&sync[1], 1, __ATOMIC_RELEASE);
    sys_futex((void *)&sync[1], FUTEX_WAKE, HOLDERS_MAX, 0);
    for (int i = 0; i < n; i++)
        sys_wait(pids[i], NULL, 0);
}

static void check_exhaustion(void)
{
    T_CHECK(P, "map-and-touch-until-enomem", t_run1("/bin/t_mem", "until-enomem") == 0);

    volatile uint32_t *sync = map(PG, MAP_SHARED);
    uint64_t pids[HOLDERS_MAX];
    int holders = sync ? hold_until_short(sync, pids) : 0;
    int64_t st = t_run1("/bin/t_mem", "overcommit");
    T_CHECK(P, "overcommit-toucher-killed", st == PF_KILLED);
    if (st != PF_KILLED)
        printf("t_mem: overcommit child status %lld with %d holders\n", (long long)st, holders);
    if (sync) {
        release_holders(sync, pids, holders);
        sys_munmap((void *)sync, PG);
    }
    T_CHECK(P, "kernel-and-others-go-on", t_run1("/bin/t_child", "5") == 5);
}

/* The memory figures once the system is quiet: the figures are global, and the suite reading
 * our output allocates and frees while it works. With want, retries (up to a second) until
 * they equal want's, so only a lasting difference (a leak) remains; true when they do. */
static bool quiet_meminfo(meminfo_t *mi, const meminfo_t *want)
{
    for (int i = 0; i < 20; i++) {
        fflush(stdout);
        sys_nanosleep(50000000ULL); /* the suite drains the pipe and blocks again */
        sys_meminfo(mi);
        if (!want || (mi->free_pages + mi->proc_pages == want->free_pages + want->proc_pages &&
                      mi->heap_bytes == want->heap_bytes))
            return true;
    }
    return false;
}

/* A program image counts against the process limit like a mapping: a bss larger than the
 * limit is refused at spawn (ENOMEM) instead of being mapped whole. */
static void check_image_limit(void)
{
    meminfo_t mi;
    sys_meminfo(&mi);
    if (mi.proc_limit_pages * PG >= (416ULL << 20)) {
        T_SKIP(P, "spawn-bss-over-process-limit-enomem", "the limit is above bigbss's 416 MiB");
        return;
    }
    const char *argv[] = { "/bin/bigbss", NULL };
    uint64_t pid = sys_spawn(argv, NULL, NULL, 0);
    T_CHECK(P, "spawn-bss-over-process-limit-enomem", T_FAILS_WITH(pid, ENOMEM));
    if (pid != ERR)
        sys_wait(pid, NULL, 0);
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "shared"))
        return child_shared(argv[2]);
    if (argc > 1 && !strcmp(argv[1], "until-enomem"))
        return child_until_enomem();
    if (argc > 3 && !strcmp(argv[1], "hold"))
        return child_hold(argv[2], argv[3]);
    if (argc > 1 && !strcmp(argv[1], "overcommit"))
        return child_overcommit();
    if (argc > 1 && !strcmp(argv[1], "rehearse")) {
        close(1); /* its verdicts are not the test's */
        check_shared();
        check_exhaustion();
        return 0;
    }

    /* Warm up: the first child, mapping, shared page, holder and out-of-memory kill make the
     * kernel allocate tables and slab pages it keeps for reuse; a rehearsal of the whole
     * scenario in a silent child does them all. */
    t_run1("/bin/t_mem", "rehearse");
    meminfo_t before, after;
    quiet_meminfo(&before, NULL);

    check_shared();
    check_exhaustion();
    check_image_limit();

    bool same = quiet_meminfo(&after, &before);
    T_CHECK(P, "every-page-comes-back",
            after.free_pages + after.proc_pages == before.free_pages + before.proc_pages);
    if (!same)
        printf("t_mem: free pages before %lu (own %lu), after %lu (own %lu); heap %lu -> %lu\n",
               (unsigned long)before.free_pages, (unsigned long)before.proc_pages,
               (unsigned long)after.free_pages, (unsigned long)after.proc_pages,
               (unsigned long)before.heap_bytes, (unsigned long)after.heap_bytes);
    T_CHECK(P, "kernel-heap-back-to-start", after.heap_bytes == before.heap_bytes);
    return t_failures ? 1 : 0;
}
