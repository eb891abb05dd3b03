/* basics.c - a Linux program for test/linux.sh: stdio, malloc, strings, qsort, setjmp/longjmp,
 * libm, time and the process's own facts. Run on the Linux host and on Spindle; the two
 * outputs must be identical, so it prints nothing that differs between machines. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static jmp_buf env;

/* The innermost of depth + 1 frames jumps back to main (the call goes through a volatile
 * pointer: gcc 12 takes longjmp's recursion for an endless one). */
static void jump(int depth);
static void (*volatile jump_again)(int) = jump;
static void jump(int depth)
{
    if (depth > 0)
        jump_again(depth - 1);
    longjmp(env, 42);
}

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

static void test_malloc(void)
{
    enum { N = 2000 };
    char **blocks = calloc(N, sizeof *blocks);
    size_t total = 0;
    for (int i = 0; i < N; i++) {
        size_t n = (size_t)(i * 37 % 4000) + 1;
        blocks[i] = malloc(n);
        memset(blocks[i], i & 0xff, n);
        total += n;
    }
    int bad = 0;
    for (int i = 0; i < N; i += 2) {
        blocks[i] = realloc(blocks[i], 8000);
        if ((unsigned char)blocks[i][0] != (i & 0xff))
            bad++;
    }
    for (int i = 0; i < N; i++)
        free(blocks[i]);
    free(blocks);
    char *big = malloc(8 << 20); /* past the heap: mmap */
    memset(big, 1, 8 << 20);
    printf("malloc: %zu bytes in %d blocks, %d bad, big %s\n", total, N, bad, big[12345] == 1 ? "ok" : "bad");
    free(big);
}

int main(int argc, char **argv)
{
    const char *scratch = argc > 1 ? strrchr(argv[1], '/') : NULL;
    printf("argc %d, scratch %s\n", argc, scratch ? scratch + 1 : "(none)");
    printf("format: %5d|%-5s|%08.3f|%x|%lld|%c|%%\n", 42, "ab", 3.14159, 0xbeef, -1234567890123LL, 'z');
    char buf[64];
    snprintf(buf, sizeof buf, "%s-%d", "snprintf", 7);
    printf("%s, strlen %zu, strchr %s\n", buf, strlen(buf), strchr(buf, '-'));
    test_malloc();

    int v[10] = { 5, 3, 9, 1, 7, 2, 8, 6, 4, 0 };
    qsort(v, 10, sizeof v[0], cmp_int);
    for (int i = 0; i < 10; i++)
        printf("%d%s", v[i], i < 9 ? " " : "\n");

    int r = setjmp(env);
    if (r == 0)
        jump(10);
    printf("setjmp returned %d after longjmp\n", r);

    printf("libm: sqrt(2) %.6f, sin(1) %.6f, pow(2,0.5) %.6f, exp(1) %.6f, floor(-2.5) %.1f\n",
           sqrt(2.0), sin(1.0), pow(2.0, 0.5), exp(1.0), floor(-2.5));

    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    struct timespec d = { 0, 20 * 1000 * 1000 };
    nanosleep(&d, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    printf("nanosleep 20 ms: slept %s\n", ms >= 20 && ms < 2000 ? "long enough" : "WRONG");
    time_t now = time(NULL);
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    printf("time: after 2020 %s, realtime agrees %s\n", now > 1577836800 ? "yes" : "no",
           rt.tv_sec - now <= 1 && rt.tv_sec >= now ? "yes" : "no");
    struct timespec cpu;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
    printf("cputime: %s\n", cpu.tv_sec >= 0 && cpu.tv_nsec >= 0 ? "ok" : "bad");

    const char *fn = (const char *)getauxval(AT_EXECFN);
    printf("auxv: pagesz %lu, clktck %lu, platform %s, secure %lu, uid %s, execfn %s, random %s, hwcap %s\n",
           getauxval(AT_PAGESZ), getauxval(AT_CLKTCK), (const char *)getauxval(AT_PLATFORM),
           getauxval(AT_SECURE), getauxval(AT_UID) == getuid() ? "matches" : "differs",
           fn && strrchr(fn, '/') ? strrchr(fn, '/') + 1 : "(none)",
           getauxval(AT_RANDOM) ? "set" : "missing", getauxval(AT_HWCAP) ? "set" : "missing");
    struct utsname u;
    uname(&u);
    printf("uname: %s %s\n", u.sysname, u.machine);
    printf("pid > 1: %s, ppid > 0: %s\n", getpid() > 1 ? "yes" : "no", getppid() > 0 ? "yes" : "no");

    void *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(m, 7, 1 << 20);
    int ok = ((char *)m)[(1 << 20) - 1] == 7 && munmap(m, 1 << 20) == 0;
    printf("mmap/munmap: %s\n", ok ? "ok" : "bad");
    FILE *missing = fopen("/nonexistent/x", "r");
    printf("open missing: %d %s\n", missing == NULL, strerror(errno));
    fflush(stdout);
    fprintf(stderr, "basics: done\n");
    return 3;
}
