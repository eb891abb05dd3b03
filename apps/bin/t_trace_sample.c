/*
 * t_trace_sample - the traced program of test/trace.sh: a fixed sequence of raw system
 * calls (no stdio, so the runtime adds none) covering decoded strings, argv, flags, results,
 * errors, bad pointers of every kind, an unknown call number, a child that exits and a
 * child that faults. The runner compares the trace of this run with the lines it expects;
 * change both together.
 *
 *   t_trace_sample           the sequence
 *   t_trace_sample child     one write, getpid, exit 3
 *   t_trace_sample crash     a NULL write: killed by a page fault
 */
#include "t_check.h"

static int sample_child(void)
{
    sys_write(1, "child: hi\n", 10);
    sys_getpid();
    return 3;
}

static int sample_crash(void)
{
    *(volatile int *)0 = 1;
    return 0;
}

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

int main(int argc, char **argv)
{
    if (argc > 1 && streq(argv[1], "child"))
        return sample_child();
    if (argc > 1 && streq(argv[1], "crash"))
        return sample_crash();
    sys_getpid();
    sys_write(1, "sample: hello\tworld\n", 20);
    sys_write(99, "x", 1);                        /* EBADF */
    sys_write(1, (const void *)0x1000, 5);        /* unmapped: shown as the pointer */
    sys_write(1, T_KERNEL_ADDR, 4);               /* kernel half: never followed */
    sys_errno();
    const char *long_name[] = { "/bin/a-program-name-longer-than-the-trace-limit", NULL };
    sys_spawn(long_name, NULL, NULL, 0);          /* ENOENT, the name cut with ... */
    sys_spawn((const char *const *)0x10, NULL, NULL, 0);
    const char *bad_arg[] = { "/bin/x", (const char *)0x20, NULL };
    sys_spawn(bad_arg, NULL, NULL, 0);
    t_syscall(200, 1, 2, 3, 0, 0, 0);             /* not a call: ENOSYS */
    sys_wait(99, NULL, WNOHANG | 0x10);           /* unknown flag bits: EINVAL */
    int32_t status = 0;
    const char *child[] = { "/bin/t_trace_sample", "child", NULL };
    uint64_t pid = sys_spawn(child, NULL, NULL, 0);
    sys_wait(pid, &status, 0);
    const char *crash[] = { "/bin/t_trace_sample", "crash", NULL };
    pid = sys_spawn(crash, NULL, NULL, 0);
    sys_wait(pid, &status, 0);
    sys_kill(9999, KILL_TERM);                    /* ESRCH */
    sys_process_exit(0);
}
