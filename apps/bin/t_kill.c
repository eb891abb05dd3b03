/*
 * t_kill - kill(): a child killed before it ran, while blocked in wait(), or killing itself
 * ends with WAIT_STATUS_KILLED | code; errors ESRCH, EPERM, EINVAL.
 */
#include <unistd.h>
#include "t_check.h"

#define P "t_kill"

int main(void)
{
    const char *waiter[] = { "/bin/t_child", "wait-grandchild", NULL };
    int32_t status = -1;
    /* On one CPU the child has not run yet when the kill comes; on several it may have, so
     * it waits on its stdin (a pipe) rather than end by itself before the kill. */
    int held[2] = { -1, -1 };
    pipe(held);
    const char *waiting[] = { "/bin/t_child", "stdin-eof", "7", NULL };
    const spawn_fd_t fds[] = { { 0, held[0] }, { 1, 1 }, { 2, 2 }, { SPAWN_FD_END, 0 } };
    uint64_t pid = sys_spawn(waiting, fds, NULL, SPAWN_EMPTY_FDS);
    T_CHECK(P, "before-first-run", pid != ERR && sys_kill(pid, 9) == 0 &&
            sys_wait(pid, &status, 0) == pid && status == (WAIT_STATUS_KILLED | 9));
    close(held[0]);
    close(held[1]);
    T_CHECK(P, "reaped-esrch", T_FAILS_WITH(sys_kill(pid, 9), ESRCH));
    T_CHECK(P, "unknown-pid-esrch", T_FAILS_WITH(sys_kill(999999, 9), ESRCH));
    T_CHECK(P, "kernel-eperm", T_FAILS_WITH(sys_kill(0, 9), EPERM));
    /* init (pid 1) is an ancestor, not a descendant: a process may only end its own subtree */
    T_CHECK(P, "init-is-not-ours-eperm", T_FAILS_WITH(sys_kill(1, 9), EPERM));
    T_CHECK(P, "bad-code-einval", T_FAILS_WITH(sys_kill(sys_getpid(), 256), EINVAL));
    T_CHECK(P, "self", t_run1("/bin/t_child", "kill-self") == (WAIT_STATUS_KILLED | 33));
    pid = sys_spawn(waiter, NULL, NULL, 0);
    for (int i = 0; i < 5; i++)
        sys_yield(); /* the child starts its grandchild and blocks in wait() */
    status = -1;
    T_CHECK(P, "while-blocked-in-wait", pid != ERR && sys_kill(pid, 15) == 0 &&
            sys_wait(pid, &status, 0) == pid && status == (WAIT_STATUS_KILLED | 15));
    return t_failures ? 1 : 0;
}
