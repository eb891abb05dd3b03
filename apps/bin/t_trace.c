/*
 * t_trace - the trace() system call's contract: its errors (unknown flags, a pid that is
 * not the caller or a descendant, a bad call-set pointer) and that turning tracing on and
 * off for itself or a child succeeds and leaves the calls' results unchanged. (The lines
 * themselves are checked by test/trace.sh on COM2.) And that trace() racing a child's exit
 * leaks nothing (issue 17: a session installed after the exit hook was never freed).
 */
#include <pthread.h>
#include <sys/stat.h>
#include "t_check.h"

#define P "t_trace"

#define RACE_CHILDREN 300

static volatile int hammer_stop;

/* Keeps the VFS lock busy, so exiting children block on it (closing their descriptors,
 * dropping their working directory) in the window the race needs. */
static void *vfs_hammer(void *arg)
{
    (void)arg;
    struct stat st;
    while (!hammer_stop)
        stat("/bin/t_child", &st);
    return NULL;
}

/* Children exit at once while the parent calls trace(child, TRACE_COUNT) until it is gone:
 * every session the kernel accepted must be freed with its process. */
static void check_trace_exit_race(void)
{
    pthread_t hammer;
    int have_hammer = pthread_create(&hammer, NULL, vfs_hammer, NULL) == 0;
    const char *child[] = { "/bin/t_child", "0", NULL };
    /* warm-up: the first spawns and trace sessions leave caches the figures must not see */
    for (int i = 0; i < 4; i++) {
        uint64_t c = sys_spawn(child, NULL, NULL, 0);
        while (c != ERR && sys_trace(c, TRACE_COUNT, NULL) == 0)
            ;
        if (c != ERR)
            sys_wait(c, NULL, 0);
    }
    meminfo_t before, after;
    sys_meminfo(&before);
    int spawned = 0;
    for (int i = 0; i < RACE_CHILDREN; i++) {
        uint64_t c = sys_spawn(child, NULL, NULL, 0);
        if (c == ERR)
            continue;
        spawned++;
        while (sys_trace(c, TRACE_COUNT, NULL) == 0)
            ; /* until the child no longer counts as alive */
        sys_wait(c, NULL, 0);
    }
    hammer_stop = 1;
    if (have_hammer)
        pthread_join(hammer, NULL);
    sys_meminfo(&after);
    if (after.heap_bytes != before.heap_bytes)
        printf("t_trace: heap %llu -> %llu bytes after %d racing children\n",
               (unsigned long long)before.heap_bytes, (unsigned long long)after.heap_bytes,
               spawned);
    T_CHECK(P, "trace-racing-child-exit-leaks-nothing",
            spawned == RACE_CHILDREN && after.heap_bytes <= before.heap_bytes + 256);
}

int main(void)
{
    trace_set_t only_getpid = { { 1ULL << SYS_GETPID } };
    T_CHECK(P, "unknown-flags-einval", T_FAILS_WITH(sys_trace(0, 0x100, NULL), EINVAL));
    T_CHECK(P, "no-such-pid-esrch", T_FAILS_WITH(sys_trace(99999, TRACE_ON, NULL), ESRCH));
    T_CHECK(P, "not-a-descendant-esrch", T_FAILS_WITH(sys_trace(1, TRACE_ON, NULL), ESRCH));
    T_CHECK(P, "kernel-set-efault",
            T_FAILS_WITH(sys_trace(0, TRACE_ON, (const trace_set_t *)T_KERNEL_ADDR), EFAULT));
    T_CHECK(P, "unmapped-set-efault",
            T_FAILS_WITH(sys_trace(0, TRACE_ON, (const trace_set_t *)0x1000), EFAULT));
    T_CHECK(P, "off-when-untraced-ok", sys_trace(0, 0, NULL) == 0);

    uint64_t pid = sys_getpid();
    T_CHECK(P, "self-on-ok", sys_trace(0, TRACE_ON, &only_getpid) == 0);
    T_CHECK(P, "traced-getpid-same-result", sys_getpid() == pid);
    T_CHECK(P, "traced-error-same-result", T_FAILS_WITH(sys_write(99, "x", 1), EBADF));
    T_CHECK(P, "self-by-pid-off-ok", sys_trace(pid, 0, NULL) == 0);

    const char *child[] = { "/bin/t_child", "5", NULL };
    uint64_t c = sys_spawn(child, NULL, NULL, 0);
    uint64_t r = c == ERR ? ERR : sys_trace(c, TRACE_ON | TRACE_COUNT, &only_getpid);
    int32_t status = -1;
    T_CHECK(P, "child-on-ok-or-gone", r == 0 || T_FAILS_WITH(r, ESRCH));
    T_CHECK(P, "traced-child-status", c != ERR && sys_wait(c, &status, 0) == c && status == 5);
    T_CHECK(P, "reaped-child-esrch", c != ERR && T_FAILS_WITH(sys_trace(c, TRACE_ON, NULL), ESRCH));
    check_trace_exit_race();
    return t_failures ? 1 : 0;
}
