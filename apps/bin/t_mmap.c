/*
 * t_mmap - mmap, munmap and mprotect: every argument error, zero fill on first touch,
 * many pages written and read back, fixed and hinted addresses, splitting by munmap and
 * mprotect, W^X, and children killed for touching what they unmapped or protected
 * (t_mmap MODE runs one such child case).
 */
#include <string.h>
#include <sys/mman.h>
#include "t_check.h"

#define P "t_mmap"
#define PG 4096UL
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define PF_KILLED (WAIT_STATUS_KILLED | (T_FAULT_BASE + 14))

static void *map(void *addr, uint64_t len, uint64_t prot, uint64_t flags)
{
    return sys_mmap(addr, len, prot, flags, (uint64_t)-1, 0);
}

/* The raw call failed the documented way: NULL and this code in errno. */
static int map_fails(void *addr, uint64_t len, uint64_t prot, uint64_t flags, int code)
{
    return map(addr, len, prot, flags) == NULL && sys_errno() == (uint64_t)code;
}

static void check_errors(void)
{
    T_CHECK(P, "mmap-zero-length-einval", map_fails(NULL, 0, RW, ANON, EINVAL));
    T_CHECK(P, "mmap-unaligned-addr-einval", map_fails((void *)0x10000123, PG, RW, ANON | MAP_FIXED, EINVAL));
    T_CHECK(P, "mmap-overflowing-length-einval", map_fails(NULL, ~0UL - 10, RW, ANON, EINVAL));
    T_CHECK(P, "mmap-fixed-past-user-half-einval",
            map_fails((void *)(T_USER_END - PG), 2 * PG, RW, ANON | MAP_FIXED, EINVAL));
    T_CHECK(P, "mmap-fixed-at-zero-einval", map_fails(NULL, PG, RW, ANON | MAP_FIXED, EINVAL));
    T_CHECK(P, "mmap-shared-and-private-einval",
            map_fails(NULL, PG, RW, MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS, EINVAL));
    T_CHECK(P, "mmap-neither-shared-nor-private-einval", map_fails(NULL, PG, RW, MAP_ANONYMOUS, EINVAL));
    T_CHECK(P, "mmap-unknown-prot-einval", map_fails(NULL, PG, 0x80, ANON, EINVAL));
    T_CHECK(P, "mmap-unknown-flag-einval", map_fails(NULL, PG, RW, ANON | 0x400000, EINVAL));
    T_CHECK(P, "mmap-write-exec-eacces", map_fails(NULL, PG, RW | PROT_EXEC, ANON, EACCES));
    T_CHECK(P, "mmap-past-process-limit-enomem", map_fails(NULL, 1UL << 45, RW, ANON, ENOMEM));
    T_CHECK(P, "mmap-bad-fd-ebadf", map_fails(NULL, PG, PROT_READ, MAP_PRIVATE, EBADF));
    T_CHECK(P, "munmap-unaligned-einval", T_FAILS_WITH(sys_munmap((void *)0x10000123, PG), EINVAL));
    T_CHECK(P, "munmap-zero-length-einval", T_FAILS_WITH(sys_munmap((void *)0x10000000, 0), EINVAL));
    T_CHECK(P, "munmap-overflowing-einval",
            T_FAILS_WITH(sys_munmap((void *)(T_USER_END - PG), 2 * PG), EINVAL));
    T_CHECK(P, "munmap-kernel-half-einval", T_FAILS_WITH(sys_munmap((void *)T_KERNEL_ADDR, PG), EINVAL));
    T_CHECK(P, "mprotect-unaligned-einval", T_FAILS_WITH(sys_mprotect((void *)0x10000123, PG, PROT_READ), EINVAL));
    T_CHECK(P, "mprotect-zero-length-einval", T_FAILS_WITH(sys_mprotect((void *)0x10000000, 0, PROT_READ), EINVAL));
    T_CHECK(P, "mprotect-unmapped-enomem", T_FAILS_WITH(sys_mprotect((void *)0x10000000, PG, PROT_READ), ENOMEM));
    T_CHECK(P, "mprotect-bad-prot-einval", T_FAILS_WITH(sys_mprotect((void *)0x10000000, PG, 0x100), EINVAL));
}

static int all_zero(const uint64_t *p, size_t words)
{
    for (size_t i = 0; i < words; i++)
        if (p[i])
            return 0;
    return 1;
}

static void check_fill_and_readback(void)
{
    const size_t pages = 256;
    uint64_t *p = map(NULL, pages * PG, RW, ANON);
    T_CHECK(P, "mmap-anonymous-returns-address", p != NULL && ((uint64_t)p & (PG - 1)) == 0);
    if (!p)
        return;
    T_CHECK(P, "fresh-pages-read-zero", all_zero(p, pages * PG / 8));
    for (size_t i = 0; i < pages * PG / 8; i++)
        p[i] = i * 0x9E3779B97F4A7C15ULL;
    int same = 1;
    for (size_t i = 0; i < pages * PG / 8; i++)
        same &= p[i] == i * 0x9E3779B97F4A7C15ULL;
    T_CHECK(P, "many-pages-read-back", same);
    T_CHECK(P, "munmap-whole-ok", sys_munmap(p, pages * PG) == 0);
    T_CHECK(P, "munmap-again-is-fine", sys_munmap(p, pages * PG) == 0);
    uint64_t *q = map(NULL, 3 * PG, RW, ANON);
    T_CHECK(P, "unmapped-pages-come-back-zeroed", q && all_zero(q, 3 * PG / 8));
    if (q)
        sys_munmap(q, 3 * PG);
}

static void check_addresses(void)
{
    void *want = (void *)0x200000000000UL;
    void *p = map(want, 4 * PG, RW, ANON | MAP_FIXED);
    T_CHECK(P, "fixed-address-honoured", p == want);
    void *h = map((char *)want + 8 * PG, PG, RW, ANON);
    T_CHECK(P, "free-hint-honoured", h == (char *)want + 8 * PG);
    void *busy = map(want, PG, RW, ANON);
    T_CHECK(P, "busy-hint-moves-elsewhere", busy != NULL && busy != want);
    if (p)
        ((char *)p)[PG] = 7;
    void *again = map((char *)want + PG, PG, RW, ANON | MAP_FIXED);
    T_CHECK(P, "fixed-replaces-and-zeroes", again == (char *)want + PG && ((char *)want)[PG] == 0);
    void *a = map(NULL, PG, RW, ANON), *b = map(NULL, PG, RW, ANON);
    T_CHECK(P, "placed-regions-keep-a-guard-gap",
            a && b && (uint64_t)(a > b ? (char *)a - (char *)b : (char *)b - (char *)a) > PG);
    sys_munmap(want, 16 * PG);
    sys_munmap(busy, PG);
    sys_munmap(a, PG);
    sys_munmap(b, PG);
}

static void check_split_and_protect(void)
{
    char *p = map(NULL, 8 * PG, RW, ANON);
    if (!p) {
        T_CHECK(P, "split-map", 0);
        return;
    }
    memset(p, 0x5a, 8 * PG);
    T_CHECK(P, "munmap-middle-ok", sys_munmap(p + 3 * PG, 2 * PG) == 0);
    T_CHECK(P, "split-ends-keep-data", p[0] == 0x5a && p[3 * PG - 1] == 0x5a && p[5 * PG] == 0x5a &&
                                       p[8 * PG - 1] == 0x5a);
    T_CHECK(P, "mprotect-across-hole-enomem", T_FAILS_WITH(sys_mprotect(p, 8 * PG, PROT_READ), ENOMEM));
    T_CHECK(P, "mprotect-sub-range-ok", sys_mprotect(p + PG, PG, PROT_READ) == 0);
    T_CHECK(P, "read-only-page-still-reads", p[PG] == 0x5a && p[2 * PG] == 0x5a);
    p[2 * PG] = 1; /* the page after the protected one stays writable */
    T_CHECK(P, "neighbour-stays-writable", p[2 * PG] == 1);
    T_CHECK(P, "mprotect-back-to-rw", sys_mprotect(p + PG, PG, RW) == 0);
    p[PG] = 2;
    T_CHECK(P, "writable-again", p[PG] == 2);
    T_CHECK(P, "mprotect-wx-eacces", T_FAILS_WITH(sys_mprotect(p, PG, RW | PROT_EXEC), EACCES));
    sys_munmap(p, 8 * PG);

    unsigned char *x = map(NULL, PG, RW | PROT_EXEC, ANON | MAP_WX);
    T_CHECK(P, "map-wx-allows-write-exec", x != NULL);
    if (x) {
        x[0] = 0xb8; /* mov eax, 42; ret */
        x[1] = 42; x[2] = 0; x[3] = 0; x[4] = 0; x[5] = 0xc3;
        int (*fn)(void) = (int (*)(void))(void *)x;
        T_CHECK(P, "code-written-then-run", fn() == 42);
        T_CHECK(P, "mprotect-rx-on-wx-region", sys_mprotect(x, PG, PROT_READ | PROT_EXEC) == 0);
        T_CHECK(P, "still-runs-rx", fn() == 42);
        sys_munmap(x, PG);
    }
}

/* Deep recursion: the stack grows on demand well past what exec mapped. */
static __attribute__((noinline)) uint64_t deep(unsigned n)
{
    volatile char pad[1024];
    pad[0] = (char)(n & 0x7f);
    return n ? deep(n - 1) + (uint64_t)pad[0] : 0;
}

static uint64_t deep_expected(unsigned n)
{
    uint64_t s = 0;
    for (unsigned i = 1; i <= n; i++)
        s += i & 0x7f;
    return s;
}

/* ---- child cases: each must die of a page fault */

static int child(const char *mode)
{
    char *p = map(NULL, 4 * PG, RW, ANON);
    if (!p)
        return 2;
    p[0] = p[3 * PG] = 1;
    if (!strcmp(mode, "touch-unmapped-middle")) {
        sys_munmap(p + PG, 2 * PG);
        p[PG + 5] = 1;
    } else if (!strcmp(mode, "write-read-only")) {
        sys_mprotect(p, 4 * PG, PROT_READ);
        p[0] = 2;
    } else if (!strcmp(mode, "read-prot-none")) {
        sys_mprotect(p + 3 * PG, PG, PROT_NONE);
        return p[3 * PG];
    } else if (!strcmp(mode, "exec-data")) {
        p[0] = (char)0xc3;
        ((void (*)(void))(void *)p)();
    } else if (!strcmp(mode, "stack-guard")) {
        deep(1u << 20); /* 1 GiB of frames: far past the stack limit */
    }
    return 0; /* survived: the parent reports the failure */
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return child(argv[1]);
    check_errors();
    check_fill_and_readback();
    check_addresses();
    check_split_and_protect();
    T_CHECK(P, "stack-grows-on-demand-past-1mib", deep(1000) == deep_expected(1000));
    T_CHECK(P, "touch-unmapped-middle-killed", t_run1("/bin/t_mmap", "touch-unmapped-middle") == PF_KILLED);
    T_CHECK(P, "write-after-mprotect-read-killed", t_run1("/bin/t_mmap", "write-read-only") == PF_KILLED);
    T_CHECK(P, "read-prot-none-killed", t_run1("/bin/t_mmap", "read-prot-none") == PF_KILLED);
    T_CHECK(P, "exec-data-killed", t_run1("/bin/t_mmap", "exec-data") == PF_KILLED);
    T_CHECK(P, "stack-guard-killed", t_run1("/bin/t_mmap", "stack-guard") == PF_KILLED);
    return t_failures ? 1 : 0;
}
