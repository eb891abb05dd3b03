/* process.c - process and time wrappers (spindle.h, sys/wait.h): -1 and errno on error. */
#include <spindle.h>
#include <string.h>
#include <sys/wait.h>
#include "libc_internal.h"

pid_t spawn(const char *const argv[], const spawn_fd_t *fds, const char *cwd, uint64_t flags)
{
    return (pid_t)libc_result(sys_spawn(argv, fds, cwd, flags));
}

pid_t waitpid(pid_t pid, int *status, int options)
{
    int32_t st = 0;
    uint64_t target = pid == -1 ? WAIT_ANY : (uint64_t)(int64_t)pid;
    long r = libc_result(sys_wait(target, &st, (uint64_t)(unsigned)options));
    if (r > 0 && status)
        *status = st;
    return (pid_t)r;
}

pid_t wait(int *status)
{
    return waitpid(-1, status, 0);
}

int kill(pid_t pid, int code)
{
    return (int)libc_result(sys_kill((uint64_t)(int64_t)pid, code));
}

uint64_t uptime_ns(void)
{
    return sys_uptime();
}

time_t unix_epoch(void)
{
    return libc_result((uint64_t)sys_unix_epoch());
}

int sleep_ns(uint64_t ns)
{
    return (int)libc_result(sys_nanosleep(ns));
}

int sched_yield(void)
{
    return (int)libc_result(sys_yield());
}

int cpus_online(void)
{
    static const char key[] = "cpus_online: ";
    char text[1024];
    uint64_t fd = sys_open("/proc/system", O_RDONLY);
    if (fd == ERR)
        return 1;
    uint64_t n = sys_read(fd, text, sizeof text - 1);
    sys_close(fd);
    text[n == ERR ? 0 : n] = '\0';
    const char *at = strstr(text, key);
    int v = 0;
    for (at = at ? at + sizeof key - 1 : ""; *at >= '0' && *at <= '9'; at++)
        v = v * 10 + (*at - '0');
    return v > 0 ? v : 1;
}

int setaffinity(uint64_t tid, int cpu)
{
    return (int)libc_result(sys_setaffinity(tid, (uint64_t)(int64_t)cpu));
}
