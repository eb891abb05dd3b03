/*
 * t_mem - memory shared with a child (SPAWN_SHARE_MEMORY) and a futex on it, exhaustion
 * (map and touch until ENOMEM, and overcommit until the kernel kills the toucher: the
 * kernel and other programs go on), and the free-page count afterwards equal to before.
 * t_mem MODE [ARG] runs one child case.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

static void check_exhaustion(void)
{
    T_CHECK(P, "map-and-touch-until-enomem", t_run1("/bin/t_mem", "until-enomem") == 0);

    /* Hold enough that what is left is below the limit, so one child can overcommit. */
    meminfo_t mi;
    sys_meminfo(&mi);
    uint64_t avail = mi.free_pages - mi.reserve_pages, limit = mi.proc_limit_pages;
    uint64_t hold = avail > limit / 2 ? avail - limit / 2 : 0;
    if (hold > limit - mi.proc_mapped_pages - 64)
        hold = limit - mi.proc_mapped_pages - 64;
    char *h = hold ? map(hold * PG, MAP_PRIVATE) : NULL;
    if (h)
        touch(h, hold * PG);
    int64_t st = t_run1("/bin/t_mem", "overcommit");
    T_CHECK(P, "overcommit-toucher-killed", st == PF_KILLED);
    if (h)
        sys_munmap(h, hold * PG);
    T_CHECK(P, "kernel-and-others-go-on", t_run1("/bin/t_child", "5") == 5);
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
    if (argc > 1 && !strcmp(argv[1], "overcommit"))
        return child_overcommit();

    /* Warm up: the first child and the first mapping allocate kernel tables kept for reuse. */
    t_run1("/bin/t_child", "0");
    void *w = map(PG, MAP_PRIVATE);
    touch(w, PG);
    sys_munmap(w, PG);
    meminfo_t before, after;
    sys_meminfo(&before);

    check_shared();
    check_exhaustion();
    check_image_limit();

    sys_meminfo(&after);
    T_CHECK(P, "every-page-comes-back",
            after.free_pages + after.proc_pages == before.free_pages + before.proc_pages);
    if (after.free_pages + after.proc_pages != before.free_pages + before.proc_pages)
        printf("t_mem: free pages before %lu (own %lu), after %lu (own %lu)\n",
               (unsigned long)before.free_pages, (unsigned long)before.proc_pages,
               (unsigned long)after.free_pages, (unsigned long)after.proc_pages);
    if (after.heap_bytes != before.heap_bytes)
        printf("t_mem: kernel heap before %lu bytes, after %lu\n",
               (unsigned long)before.heap_bytes, (unsigned long)after.heap_bytes);
    T_CHECK(P, "kernel-heap-back-to-start", after.heap_bytes == before.heap_bytes);
    return t_failures ? 1 : 0;
}
