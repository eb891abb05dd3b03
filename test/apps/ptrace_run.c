/*
 * ptrace_run.c - runs a Spindle user program on the Linux host, for a sanity check of the
 * user runtime (crt0, PIE self-relocation, stdio, errno) before the kernel can run it.
 *
 *   ptrace_run PROGRAM [ARGS...]
 *
 * The program runs under ptrace; at each system-call entry its Spindle number (from the
 * generated syscall_nums.h) is swapped for the Linux call with the same meaning, and at the
 * exit a Linux error (-code) becomes Spindle's ERR with the code kept for SYS_ERRNO. Calls
 * with no Linux twin here answer ENOSYS, as an unimplemented Spindle call does. The runtime
 * sets its TLS with set_fs_base (arch_prctl here) unless AT_HWCAP2 allows WRFSBASE, so it
 * works on hosts whose kernel does not manage user FSGSBASE. Spindle's
 * error numbers are Linux's, so codes pass through unchanged. Exits with the program's status.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <asm/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include <spindle/syscall_nums.h>

#define NO_SUCH_CALL (-1L)

static long linux_number(uint64_t nr)
{
    switch (nr) {
    case SYS_PROCESS_EXIT: return SYS_exit_group;
    case SYS_THREAD_EXIT: return SYS_exit;
    case SYS_GETPID: return SYS_getpid;
    case SYS_GETTID: return SYS_gettid;
    case SYS_READ: return SYS_read;
    case SYS_WRITE: return SYS_write;
    case SYS_CLOSE: return SYS_close;
    case SYS_DUP: return SYS_dup;
    case SYS_SET_FS_BASE: return SYS_arch_prctl; /* arguments moved by translate_args */
    case SYS_THREAD_EXIT_WORD: return SYS_set_tid_address;
    case SYS_ERRNO: return SYS_getpid; /* harmless; the result is replaced at exit */
    default: return NO_SUCH_CALL;
    }
}

/* Calls whose Linux twin takes its arguments in another order. */
static void translate_args(uint64_t nr, struct user_regs_struct *r)
{
    if (nr == SYS_SET_FS_BASE) { /* set_fs_base(base) = arch_prctl(ARCH_SET_FS, base) */
        r->rsi = r->rdi;
        r->rdi = ARCH_SET_FS;
    }
}

static int run_tracer(pid_t child)
{
    int status;
    long last_errno = 0;
    uint64_t pending = 0;
    int entering = 1;
    waitpid(child, &status, 0); /* the stop after execve */
    ptrace(PTRACE_SETOPTIONS, child, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL);
    for (;;) {
        if (ptrace(PTRACE_SYSCALL, child, 0, 0) < 0 || waitpid(child, &status, 0) < 0)
            return 126;
        if (WIFEXITED(status))
            return WEXITSTATUS(status);
        if (WIFSIGNALED(status)) {
            fprintf(stderr, "ptrace_run: program killed by signal %d\n", WTERMSIG(status));
            return 128 + WTERMSIG(status);
        }
        if (!(WIFSTOPPED(status) && WSTOPSIG(status) == (SIGTRAP | 0x80))) {
            fprintf(stderr, "ptrace_run: program stopped by signal %d\n", WSTOPSIG(status));
            kill(child, SIGKILL);
            return 125;
        }
        struct user_regs_struct r;
        ptrace(PTRACE_GETREGS, child, 0, &r);
        if (entering) {
            pending = r.orig_rax;
            r.orig_rax = (uint64_t)linux_number(pending);
            translate_args(pending, &r);
            ptrace(PTRACE_SETREGS, child, 0, &r);
        } else if (pending == SYS_ERRNO) {
            r.rax = (uint64_t)last_errno;
            ptrace(PTRACE_SETREGS, child, 0, &r);
        } else if ((int64_t)r.rax < 0 && (int64_t)r.rax >= -4095) {
            last_errno = -(int64_t)r.rax;
            r.rax = UINT64_MAX; /* ERR */
            ptrace(PTRACE_SETREGS, child, 0, &r);
        }
        entering = !entering;
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: ptrace_run PROGRAM [ARGS...]\n");
        return 2;
    }
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        char *envp[] = { NULL };
        execve(argv[1], argv + 1, envp);
        perror("ptrace_run: execve");
        _exit(127);
    }
    return run_tracer(child);
}
