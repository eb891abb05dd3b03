/*
 * t_wait - wait(): a specific child or any, WNOHANG, the status word, and its errors
 * (ECHILD without such a child, EINVAL for unknown flags, EFAULT for a bad status pointer).
 */
#include <unistd.h>
#include "t_check.h"

#define P "t_wait"

int main(void)
{
    int32_t status = 0;
    const char *child[] = { "/bin/t_child", "7", NULL };
    T_CHECK(P, "no-children-echild", T_FAILS_WITH(sys_wait(WAIT_ANY, &status, 0), ECHILD));
    T_CHECK(P, "no-children-wnohang-echild",
            T_FAILS_WITH(sys_wait(WAIT_ANY, &status, WNOHANG), ECHILD));
    T_CHECK(P, "stranger-echild", T_FAILS_WITH(sys_wait(1, &status, 0), ECHILD));
    T_CHECK(P, "self-echild", T_FAILS_WITH(sys_wait(sys_getpid(), &status, 0), ECHILD));
    T_CHECK(P, "bad-flags-einval", T_FAILS_WITH(sys_wait(WAIT_ANY, &status, 0x10), EINVAL));
    /* The child ends only when its stdin (a pipe) is closed, so WNOHANG is asked while it
     * surely runs, on any number of CPUs. */
    int held[2] = { -1, -1 };
    pipe(held);
    const char *waiting[] = { "/bin/t_child", "stdin-eof", "7", NULL };
    const spawn_fd_t fds[] = { { 0, held[0] }, { 1, 1 }, { 2, 2 }, { SPAWN_FD_END, 0 } };
    uint64_t pid = sys_spawn(waiting, fds, NULL, SPAWN_EMPTY_FDS);
    if (pid == ERR)
        printf("t_wait: spawn failed, errno %llu\n", (unsigned long long)sys_errno());
    close(held[0]);
    T_CHECK(P, "wnohang-before-exit-is-0", pid != ERR && sys_wait(pid, &status, WNOHANG) == 0);
    close(held[1]);
    T_CHECK(P, "any-gets-child", sys_wait(WAIT_ANY, &status, 0) == pid && status == 7);
    T_CHECK(P, "again-echild", T_FAILS_WITH(sys_wait(pid, &status, 0), ECHILD));
    pid = sys_spawn(child, NULL, NULL, 0);
    T_CHECK(P, "status-null-ok", pid != ERR && sys_wait(pid, NULL, 0) == pid);
    pid = sys_spawn(child, NULL, NULL, 0);
    T_CHECK(P, "status-kernel-efault",
            pid != ERR && T_FAILS_WITH(sys_wait(pid, (int32_t *)T_KERNEL_ADDR, 0), EFAULT));
    uint64_t a = sys_spawn(child, NULL, NULL, 0), b = sys_spawn(child, NULL, NULL, 0);
    T_CHECK(P, "specific-pid-out-of-order",
            a != ERR && b != ERR && sys_wait(b, &status, 0) == b && sys_wait(a, &status, 0) == a);
    return t_failures ? 1 : 0;
}
