/*
 * t_info - the calls that only report: errno (0 in a fresh process, then the code of the
 * last failure), getpid, gettid, uptime (monotonic ns), unix_epoch (plausible seconds) and
 * yield; /proc/system is whole (one line per online CPU, the last one complete).
 */
#include "t_check.h"

#define P "t_info"

/* /proc/system read whole: its length, or -1. */
static int64_t read_system(char *buf, size_t cap)
{
    uint64_t fd = sys_open("/proc/system", O_RDONLY);
    if (fd == ERR)
        return -1;
    size_t len = 0;
    for (;;) {
        uint64_t n = sys_read(fd, buf + len, cap - 1 - len);
        if (n == ERR || n == 0)
            break;
        len += n;
    }
    sys_close(fd);
    buf[len] = 0;
    return (int64_t)len;
}

/* Once cut at 256 bytes: the last cpuN: line was truncated on a 4-CPU machine. */
static void check_proc_system(void)
{
    static char buf[8192];
    int64_t len = read_system(buf, sizeof buf);
    unsigned cpu_lines = 0;
    int complete = len > 0 && buf[len - 1] == '\n';
    for (char *line = buf; len > 0 && *line; ) {
        char *nl = strchr(line, '\n');
        if (line[0] == 'c' && line[1] == 'p' && line[2] == 'u' && line[3] >= '0' &&
            line[3] <= '9') {
            cpu_lines++;
            complete &= nl && strstr(line, "pulls ") && strstr(line, "pulls ") < nl;
        }
        if (!nl)
            break;
        line = nl + 1;
    }
    T_CHECK(P, "proc-system-not-cut-at-256-bytes",
            complete && cpu_lines == t_cpus_online());
}

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
    check_proc_system();
    return t_failures ? 1 : 0;
}
