/*
 * t_fault - children that fault in user mode (t_crash MODE) or run a privileged instruction
 * (t_priv PROBE) are killed alone, each with one console line and the status
 * WAIT_STATUS_KILLED | (128 + vector); this parent goes on.
 */
#include "t_check.h"

#define P "t_fault"

#define GP 13
#define PF 14

static int killed_in(const char *prog, const char *mode, unsigned vector)
{
    return t_run1(prog, mode) == (WAIT_STATUS_KILLED | (T_FAULT_BASE + vector));
}

static int killed_by(const char *mode, unsigned vector)
{
    return killed_in("/bin/t_crash", mode, vector);
}

/* Ring 3 may not touch MSRs, control or debug registers, descriptor tables, the TLB, I/O
 * ports (IOPL 0), the interrupt flag or halt, nor call a kernel-only interrupt gate: all
 * #GP. Jumping into the kernel half faults on the fetch (#PF, supervisor page), and past
 * the canonical hole on the jump itself (#GP). */
static const struct {
    const char *probe;
    unsigned vector;
} priv_probes[] = {
    { "wrmsr", GP },   { "rdmsr", GP },    { "mov-cr3", GP },  { "read-cr0", GP },
    { "write-cr4", GP }, { "inb-80", GP }, { "outb-80", GP },  { "inb-3f8", GP },
    { "outb-3f8", GP }, { "lgdt", GP },    { "lidt", GP },     { "ltr", GP },
    { "invlpg", GP },  { "hlt", GP },      { "cli", GP },      { "sti", GP },
    { "wbinvd", GP },  { "swapgs", GP },   { "mov-dr7", GP },  { "int-14", GP },
    { "jump-kernel-text", PF }, { "jump-direct-map", PF }, { "jump-non-canonical", GP },
};

static void check_privileged_probes(void)
{
    for (size_t i = 0; i < sizeof priv_probes / sizeof priv_probes[0]; i++) {
        if (killed_in("/bin/t_priv", priv_probes[i].probe, priv_probes[i].vector)) {
            printf("ok user." P ".priv-%s-killed\n", priv_probes[i].probe);
        } else {
            printf("FAIL user." P ".priv-%s-killed: not killed with vector %u\n",
                   priv_probes[i].probe, priv_probes[i].vector);
            t_failures++;
        }
    }
    T_CHECK(P, "priv-helper-runs-without-probe", t_run1("/bin/t_priv", NULL) == 0);
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
    check_privileged_probes();
    T_CHECK(P, "no-fault-exits-0", t_run1("/bin/t_crash", "none") == 0);
    T_CHECK(P, "parent-goes-on", t_run1("/bin/t_child", "5") == 5);
    return t_failures ? 1 : 0;
}
