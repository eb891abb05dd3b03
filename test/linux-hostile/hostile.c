/* hostile.c - runs on Spindle only (test/linux.sh): junk to every Linux system call number,
 * random self-harming junk in three children, then the cases the Linux ABI must refuse cleanly: bad clone flags, TLS pointers into the
 * kernel, a huge brk, vfork children that exit without exec. Prints "ok NAME" or
 * "FAIL NAME: ..." per case; the kernel must neither panic nor hang. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define KERNEL_ADDR 0xffffffff80000000UL
#define CHECK(name, cond) printf("%s linux.hostile.%s\n", (cond) ? "ok" : "FAIL", name)

static long raw(long nr, long a, long b, long c, long d, long e, long f)
{
    long r;
    register long r10 __asm__("r10") = d, r8 __asm__("r8") = e, r9 __asm__("r9") = f;
    __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return r;
}

/* Calls that end, replace or stop the caller, or wait with junk timeouts: junk goes to them
 * only in the forms checked below. */
static int skipped(long nr)
{
    static const long skip[] = { SYS_exit, SYS_exit_group, SYS_execve, SYS_vfork, SYS_clone,
                                 SYS_fork, SYS_kill, SYS_pause, SYS_nanosleep, SYS_clock_nanosleep,
                                 SYS_poll, SYS_ppoll, SYS_select, SYS_pselect6, SYS_futex,
                                 SYS_wait4, SYS_waitid, SYS_read, SYS_readv, SYS_pread64,
                                 SYS_rt_sigsuspend, SYS_munmap, SYS_mprotect, SYS_mmap,
                                 SYS_brk, SYS_arch_prctl, SYS_set_tid_address, SYS_close,
                                 SYS_dup2, SYS_dup3, SYS_chdir, SYS_fchdir, SYS_rmdir,
                                 SYS_unlink, SYS_unlinkat, SYS_rename, SYS_renameat,
                                 SYS_madvise, SYS_close_range, SYS_exit_group };
    for (unsigned i = 0; i < sizeof skip / sizeof skip[0]; i++)
        if (skip[i] == nr)
            return 1;
    return 0;
}

static void junk_every_call(void)
{
    static char buf[4096];
    const long vals[] = { 0, -1, 1, 4096, (long)KERNEL_ADDR, (long)buf, 1L << 62, -4096, 0x7fffffff };
    const int nv = sizeof vals / sizeof vals[0];
    long calls = 0, errors = 0;
    unsigned seed = 12345;
    for (long nr = 0; nr < 470; nr++) {
        if (skipped(nr))
            continue;
        for (int k = 0; k < 24; k++) {
            long a[6];
            for (int j = 0; j < 6; j++) {
                seed = seed * 1103515245 + 12345;
                a[j] = vals[(seed >> 16) % nv];
            }
            long r = raw(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
            /* What a call wrote there (uname, getrandom, ...) must not become a file name
             * for the next one: files left behind would read as a leak. */
            memset(buf, 0, sizeof buf);
            calls++;
            errors += r < 0 && r > -4096;
        }
    }
    /* Out-of-range numbers, including ones that would index past any table. */
    long big[] = { 470, 512, 1000, 1L << 31, -1, -4096, 0x40000000 };
    for (unsigned i = 0; i < sizeof big / sizeof big[0]; i++) {
        errors += raw(big[i], 0, 0, 0, 0, 0, 0) == -ENOSYS;
        calls++;
    }
    dup2(40, 1);
    printf("hostile: %ld junk calls, %ld errors\n", calls, errors);
    CHECK("junk-to-every-call-survived", calls > 1000);
}

/* "hostile junk SEED": random calls with random arguments, self-harming ones included (a
 * child may unmap its own code or block for ever: its parent ends it after a deadline).
 * Calls that would make more processes or threads, or signal others, stay out. */
static int junk_child(unsigned seed, long count)
{
    static const long never[] = { SYS_exit, SYS_exit_group, SYS_execve, SYS_vfork, SYS_clone,
                                  SYS_fork, SYS_kill, SYS_tkill, SYS_tgkill, SYS_clone3,
                                  /* waits that junk can make endless: they would only end
                                   * the run early (the deadline covers any other) */
                                  SYS_pause, SYS_rt_sigsuspend, SYS_nanosleep,
                                  SYS_clock_nanosleep, SYS_futex, SYS_poll, SYS_ppoll,
                                  SYS_select, SYS_pselect6, SYS_pipe, SYS_pipe2 };
    static char buf[4096];
    int null = open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3; fd++)
        dup2(null, fd);
    chdir("/tmp");
    const long vals[] = { 0, -1, 1, 2, 3, 4096, (long)KERNEL_ADDR, (long)buf, (long)buf + 4000,
                          1L << 62, -4096, 0x7fffffff, 0x1002, 0x100 };
    const int nv = sizeof vals / sizeof vals[0];
    for (long i = 0; i < count; i++) {
        seed = seed * 1103515245 + 12345;
        long nr = (seed >> 8) % 470, a[6];
        int skip = 0;
        for (unsigned k = 0; k < sizeof never / sizeof never[0]; k++)
            skip |= never[k] == nr;
        if (skip)
            continue;
        for (int j = 0; j < 6; j++) {
            seed = seed * 1103515245 + 12345;
            a[j] = vals[(seed >> 16) % nv];
        }
        raw(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        memset(buf, 0, sizeof buf); /* no name written back becomes a file */
    }
    /* Got through every call. Straight to exit_group: junk may have moved the FS base (the
     * libc's thread pointer) into the zeroed buffer, and musl's exit would then spin on a
     * stdio lock it can no longer recognise as its own. */
    raw(SYS_exit_group, 42, 0, 0, 0, 0, 0);
    return 42;
}

/* Runs three junk children (argv0 junk SEED) and ends any that outlives 2 s. */
static void junk_children(const char *argv0)
{
    int reaped = 0;
    for (int seed = 1; seed <= 3; seed++) {
        char s[16];
        snprintf(s, sizeof s, "%d", seed);
        char *args[] = { (char *)argv0, "junk", s, NULL };
        pid_t pid;
        if (posix_spawn(&pid, argv0, NULL, NULL, args, NULL) != 0)
            continue;
        int st = 0, waited = 0;
        for (int t = 0; t < 40 && !(waited = waitpid(pid, &st, WNOHANG)); t++)
            usleep(50000);
        if (!waited) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
        }
        printf("hostile: junk child %d: %s %d\n", seed, WIFEXITED(st) ? "exited" : "killed by",
               WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
        reaped++;
    }
    CHECK("junk-children-reaped", reaped == 3);
}

/* procfs cookies use the offset's top bit: getdents64 must still end, with . and .. first. */
static void list_proc(void)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int n = 0, self = 0, dots = 0;
    while (d && (e = readdir(d)) && n < 10000) {
        n++;
        self |= strcmp(e->d_name, "self") == 0;
        dots += n <= 2 && (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0);
    }
    rewinddir(d);
    e = d ? readdir(d) : NULL;
    CHECK("readdir-proc-ends", d && n < 10000 && self && dots == 2);
    CHECK("rewinddir-starts-with-dot", e && strcmp(e->d_name, ".") == 0);
    if (d)
        closedir(d);
}

static void bad_clone_flags(void)
{
    static char stack[8192];
    CHECK("clone-thread-without-vm", raw(SYS_clone, CLONE_THREAD | CLONE_SIGHAND, (long)stack + 4096, 0, 0, 0, 0) == -EINVAL);
    CHECK("clone-vm-without-thread", raw(SYS_clone, CLONE_VM | CLONE_FS | CLONE_FILES | SIGCHLD, (long)stack + 4096, 0, 0, 0, 0) == -EINVAL);
    CHECK("clone-fork-is-enosys", raw(SYS_clone, SIGCHLD, 0, 0, 0, 0, 0) == -ENOSYS);
    long flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;
    CHECK("clone-stack-in-kernel", raw(SYS_clone, flags, (long)KERNEL_ADDR, 0, 0, 0, 0) == -EINVAL);
    CHECK("clone-tls-in-kernel", raw(SYS_clone, flags | CLONE_SETTLS, (long)stack + 4096, 0, 0, (long)KERNEL_ADDR, 0) == -EINVAL);
    CHECK("clone-cleartid-in-kernel", raw(SYS_clone, flags | CLONE_CHILD_CLEARTID, (long)stack + 4096, 0, (long)KERNEL_ADDR, 0, 0) == -EINVAL);
    CHECK("clone-unknown-flag", raw(SYS_clone, flags | 0x80000000L, (long)stack + 4096, 0, 0, 0, 0) == -EINVAL);
}

static void bad_tls_and_brk(void)
{
    long fs;
    raw(SYS_arch_prctl, 0x1003, (long)&fs, 0, 0, 0, 0);
    CHECK("arch-prctl-fs-in-kernel", raw(SYS_arch_prctl, 0x1002, (long)KERNEL_ADDR, 0, 0, 0, 0) == -EPERM);
    CHECK("arch-prctl-fs-noncanonical", raw(SYS_arch_prctl, 0x1002, 1L << 62, 0, 0, 0, 0) == -EPERM);
    CHECK("arch-prctl-get-into-kernel", raw(SYS_arch_prctl, 0x1003, (long)KERNEL_ADDR, 0, 0, 0, 0) == -EFAULT);
    long now;
    raw(SYS_arch_prctl, 0x1003, (long)&now, 0, 0, 0, 0);
    CHECK("fs-base-unchanged", now == fs);
    CHECK("set-tid-address-kernel", raw(SYS_set_tid_address, (long)KERNEL_ADDR, 0, 0, 0, 0, 0) < 0);
    long cur = raw(SYS_brk, 0, 0, 0, 0, 0, 0);
    CHECK("brk-huge-keeps-break", raw(SYS_brk, cur + (1L << 40), 0, 0, 0, 0, 0) == cur);
    CHECK("brk-into-kernel-keeps-break", raw(SYS_brk, (long)KERNEL_ADDR, 0, 0, 0, 0, 0) == cur);
    CHECK("brk-below-start-keeps-break", raw(SYS_brk, 4096, 0, 0, 0, 0, 0) == cur);
    long grown = raw(SYS_brk, cur + 65536, 0, 0, 0, 0, 0);
    int ok = grown == cur + 65536;
    if (ok) {
        memset((void *)cur, 0x5a, 65536);
        ok = raw(SYS_brk, cur, 0, 0, 0, 0, 0) == cur;
    }
    CHECK("brk-grows-and-shrinks", ok);
    CHECK("mmap-fixed-kernel", raw(SYS_mmap, (long)KERNEL_ADDR, 4096, 3, 0x32, -1, 0) == -EINVAL);
    CHECK("futex-kernel-word", raw(SYS_futex, (long)KERNEL_ADDR, 0, 0, 0, 0, 0) == -EFAULT);
    CHECK("futex-bad-op", raw(SYS_futex, (long)&fs, 77, 0, 0, 0, 0) == -ENOSYS);
    CHECK("poll-kernel-fds", raw(SYS_poll, (long)KERNEL_ADDR, 1, 0, 0, 0, 0) == -EFAULT);
    CHECK("nanosleep-kernel-ts", raw(SYS_nanosleep, (long)KERNEL_ADDR, 0, 0, 0, 0, 0) == -EFAULT);
    CHECK("execve-kernel-path", raw(SYS_execve, (long)KERNEL_ADDR, 0, 0, 0, 0, 0) == -EFAULT);
    CHECK("execve-missing", raw(SYS_execve, (long)"/nonexistent", 0, 0, 0, 0, 0) == -ENOENT);
    int fd = open("/tmp/hostile-f", O_RDWR | O_CREAT, 0644);
    CHECK("ftruncate-huge-efbig", raw(SYS_ftruncate, fd, 1L << 50, 0, 0, 0, 0) == -EFBIG);
    CHECK("ftruncate-negative-einval", raw(SYS_ftruncate, fd, -1, 0, 0, 0, 0) == -EINVAL);
    close(fd);
    unlink("/tmp/hostile-f");
    CHECK("close-range-backwards", raw(SYS_close_range, 100, 50, 0, 0, 0, 0) == -EINVAL);
    CHECK("close-range-bad-flags", raw(SYS_close_range, 100, 200, 0x80, 0, 0, 0) == -EINVAL);
    CHECK("close-range-past-table", raw(SYS_close_range, 64, ~0U, 0, 0, 0, 0) == 0);
    long zero_mask = 0, all = -1;
    CHECK("setaffinity-empty-mask", raw(SYS_sched_setaffinity, 0, 8, (long)&zero_mask, 0, 0, 0) == -EINVAL);
    CHECK("setaffinity-kernel-mask", raw(SYS_sched_setaffinity, 0, 8, (long)KERNEL_ADDR, 0, 0, 0) == -EFAULT);
    CHECK("setaffinity-all", raw(SYS_sched_setaffinity, 0, 8, (long)&all, 0, 0, 0) == 0);
    CHECK("getcpu-kernel", raw(SYS_getcpu, (long)KERNEL_ADDR, 0, 0, 0, 0, 0) == -EFAULT);
    CHECK("wait4-kernel-status", raw(SYS_wait4, -1, (long)KERNEL_ADDR, 1, 0, 0, 0) == -ECHILD);
}

/* vfork children that never exec: they exit (or die) in the parent's memory, and the parent
 * goes on with its memory intact. */
static void vfork_without_exec(void)
{
    static volatile int *volatile nowhere = (int *)16;
    volatile int marker = 1;
    for (volatile int i = 0; i < 20; i++) {
        pid_t pid = vfork();
        if (pid == 0)
            _exit(i);
        int st = 0;
        waitpid(pid, &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != i)
            marker = 0;
    }
    CHECK("vfork-exit-without-exec", marker == 1);
    pid_t pid = vfork();
    if (pid == 0)
        *nowhere = 1; /* a fault in the child ends the child only */
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK("vfork-child-fault", WIFSIGNALED(st) && WTERMSIG(st) == 11);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    /* "hostile vfork-sleep": a vfork child that sleeps while its parent gets killed (by the
     * test's shell); the kernel must end both and free the shared space once. */
    if (argc > 2 && strcmp(argv[1], "junk") == 0)
        return junk_child((unsigned)atoi(argv[2]), 20000);
    if (argc > 1 && strcmp(argv[1], "vfork-sleep") == 0) {
        if (vfork() == 0) {
            sleep(20);
            _exit(0);
        }
        printf("hostile: vfork-sleep parent resumed (should have been killed)\n");
        return 1;
    }
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    list_proc();
    bad_clone_flags();
    bad_tls_and_brk();
    vfork_without_exec();
    /* Junk must not write to the console: stdout is parked on fd 40 meanwhile. */
    dup2(1, 40);
    close(1);
    close(2);
    junk_every_call();
    dup2(40, 1);
    junk_children(argv[0]);
    printf("hostile: done\n");
    return 0;
}
