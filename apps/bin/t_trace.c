/*
 * t_trace - the trace() system call's contract: its errors (unknown flags, a pid that is
 * not the caller or a descendant, a bad call-set pointer) and that turning tracing on and
 * off for itself or a child succeeds and leaves the calls' results unchanged. (The lines
 * themselves are checked by test/trace.sh on COM2.)
 */
#include "t_check.h"

#define P "t_trace"

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
    return t_failures ? 1 : 0;
}
