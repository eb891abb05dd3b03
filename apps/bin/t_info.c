/*
 * t_info - the calls that only report: errno (0 in a fresh process, then the code of the
 * last failure), getpid, gettid, uptime (monotonic ns), unix_epoch (plausible seconds) and
 * yield.
 */
#include "t_check.h"

#define P "t_info"

int main(void)
{
    T_CHECK(P, "errno-starts-at-0", sys_errno() == 0);
    T_CHECK(P, "errno-after-failure", sys_write(99, "", 0) == ERR && sys_errno() == EBADF);
    T_CHECK(P, "errno-kept-after-success", sys_getpid() != ERR && sys_errno() == EBADF);
    uint64_t pid = sys_getpid(), tid = sys_gettid();
    T_CHECK(P, "getpid-positive", pid > 0 && pid != ERR);
    T_CHECK(P, "getpid-stable", sys_getpid() == pid);
    T_CHECK(P, "gettid-positive", tid > 0 && tid != ERR && sys_gettid() == tid);
    const char *child[] = { "/bin/t_child", "0", NULL };
    uint64_t cpid = sys_spawn(child, NULL, NULL, 0);
    T_CHECK(P, "child-pid-differs", cpid != ERR && cpid != pid);
    if (cpid != ERR)
        sys_wait(cpid, NULL, 0);
    uint64_t t1 = sys_uptime();
    for (volatile int i = 0; i < 100000; i++)
        ;
    uint64_t t2 = sys_uptime();
    T_CHECK(P, "uptime-monotonic", t1 > 0 && t2 > t1 && t2 - t1 < 10000000000ULL);
    int64_t epoch = sys_unix_epoch();
    T_CHECK(P, "unix-epoch-plausible", epoch > 1700000000 && epoch < 4000000000LL);
    T_CHECK(P, "yield-returns-0", sys_yield() == 0);
    return t_failures ? 1 : 0;
}
