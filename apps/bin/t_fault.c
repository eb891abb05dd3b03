/*
 * t_fault - children that fault in user mode (t_crash MODE) are killed alone, each with one
 * console line and the status WAIT_STATUS_KILLED | (128 + vector); this parent goes on.
 */
#include "t_check.h"

#define P "t_fault"

static int killed_by(const char *mode, unsigned vector)
{
    return t_run1("/bin/t_crash", mode) == (WAIT_STATUS_KILLED | (T_FAULT_BASE + vector));
}

int main(void)
{
    T_CHECK(P, "null-read-killed", killed_by("null-read", 14));
    T_CHECK(P, "null-write-killed", killed_by("null-write", 14));
    T_CHECK(P, "kernel-read-killed", killed_by("kernel-read", 14));
    T_CHECK(P, "ud2-killed", killed_by("ud2", 6));
    T_CHECK(P, "divide-killed", killed_by("divide", 0));
    T_CHECK(P, "privileged-killed", killed_by("privileged", 13));
    T_CHECK(P, "exec-stack-killed", killed_by("exec-stack", 14));
    T_CHECK(P, "stack-overflow-killed", killed_by("stack-overflow", 14));
    T_CHECK(P, "trap-flag-after-syscall-killed", killed_by("trap-flag", 1));
    T_CHECK(P, "no-fault-exits-0", t_run1("/bin/t_crash", "none") == 0);
    T_CHECK(P, "parent-goes-on", t_run1("/bin/t_child", "5") == 5);
    return t_failures ? 1 : 0;
}
