/*
 * t_spawn - spawn(): children start with the arguments, stack layout and descriptors they
 * were given (fixed-address and PIE programs), and hostile arguments or files that are not
 * loadable programs give the documented errors (ERR + errno), never a kernel fault.
 */
#include "t_check.h"

#define P "t_spawn"

static int spawn_fails(const char *path, uint64_t code)
{
    const char *argv[] = { path, NULL };
    return T_FAILS_WITH(sys_spawn(argv, NULL, NULL, 0), code);
}

static void test_not_programs(void)
{
    T_CHECK(P, "missing-program-enoent", spawn_fails("/bin/no-such-program", ENOENT));
    T_CHECK(P, "relative-path-enoent", spawn_fails("bin/no-such-program", ENOENT));
    T_CHECK(P, "directory-enoent", spawn_fails("/bin", ENOENT));
    T_CHECK(P, "text-file-enoexec", spawn_fails("/etc/motd", ENOEXEC));
    T_CHECK(P, "truncated-elf-enoexec", spawn_fails("/t/elf-truncated", ENOEXEC));
    T_CHECK(P, "elf32-enoexec", spawn_fails("/t/elf-32bit", ENOEXEC));
    T_CHECK(P, "no-segments-enoexec", spawn_fails("/t/elf-no-segments", ENOEXEC));
    T_CHECK(P, "kernel-half-segment-enoexec", spawn_fails("/t/elf-kernel-half", ENOEXEC));
    T_CHECK(P, "segment-past-end-enoexec", spawn_fails("/t/elf-segment-past-end", ENOEXEC));
    T_CHECK(P, "entry-outside-enoexec", spawn_fails("/t/elf-entry-outside", ENOEXEC));
}

static void test_bad_arguments(void)
{
    const char *kernel_argv0[] = { (const char *)T_KERNEL_ADDR, NULL };
    const char *empty[] = { NULL };
    const char *hello[] = { "/bin/hello", NULL };
    static char long_arg[5000];
    for (unsigned i = 0; i < sizeof long_arg - 1; i++)
        long_arg[i] = 'x';
    const char *too_long[] = { "/bin/hello", long_arg, NULL };
    static const char *too_many[1100];
    for (unsigned i = 0; i < 1099; i++)
        too_many[i] = "/bin/hello";
    const spawn_fd_t bad_child[] = { { 99, 1 }, { SPAWN_FD_END, 0 } };
    const spawn_fd_t bad_parent[] = { { 3, 9 }, { SPAWN_FD_END, 0 } };
    const spawn_fd_t negative[] = { { -5, 1 }, { SPAWN_FD_END, 0 } };
    const spawn_fd_t no_end[80] = { { 1, 1 } }; /* zeros: fd 0 <- 0 over and over, no END */

    T_CHECK(P, "argv-null-efault", T_FAILS_WITH(sys_spawn(NULL, NULL, NULL, 0), EFAULT));
    T_CHECK(P, "argv-kernel-efault",
            T_FAILS_WITH(sys_spawn((const char *const *)T_KERNEL_ADDR, NULL, NULL, 0), EFAULT));
    T_CHECK(P, "argv-straddles-border-efault",
            T_FAILS_WITH(sys_spawn((const char *const *)(T_USER_END - 4), NULL, NULL, 0), EFAULT));
    T_CHECK(P, "argv0-kernel-efault", T_FAILS_WITH(sys_spawn(kernel_argv0, NULL, NULL, 0), EFAULT));
    T_CHECK(P, "argv-empty-einval", T_FAILS_WITH(sys_spawn(empty, NULL, NULL, 0), EINVAL));
    T_CHECK(P, "argument-too-long-e2big", T_FAILS_WITH(sys_spawn(too_long, NULL, NULL, 0), E2BIG));
    T_CHECK(P, "too-many-arguments-e2big", T_FAILS_WITH(sys_spawn(too_many, NULL, NULL, 0), E2BIG));
    T_CHECK(P, "unknown-flag-einval", T_FAILS_WITH(sys_spawn(hello, NULL, NULL, 0x80), EINVAL));
    T_CHECK(P, "fds-bad-child-ebadf", T_FAILS_WITH(sys_spawn(hello, bad_child, NULL, 0), EBADF));
    T_CHECK(P, "fds-negative-ebadf", T_FAILS_WITH(sys_spawn(hello, negative, NULL, 0), EBADF));
    T_CHECK(P, "fds-closed-parent-ebadf",
            T_FAILS_WITH(sys_spawn(hello, bad_parent, NULL, 0), EBADF));
    T_CHECK(P, "fds-without-end-einval", T_FAILS_WITH(sys_spawn(hello, no_end, NULL, 0), EINVAL));
    T_CHECK(P, "fds-kernel-efault",
            T_FAILS_WITH(sys_spawn(hello, (const spawn_fd_t *)T_KERNEL_ADDR, NULL, 0), EFAULT));
    T_CHECK(P, "cwd-kernel-efault",
            T_FAILS_WITH(sys_spawn(hello, NULL, (const char *)T_KERNEL_ADDR, 0), EFAULT));
}

static void test_children(void)
{
    const char *argv_child[] = { "/bin/t_child", "argv", "a", "b c", NULL };
    const char *hello_pie[] = { "/bin/hello-pie", NULL };
    const char *hello[] = { "/bin/hello", NULL };
    uint64_t pid = sys_spawn(hello, NULL, "/", 0);
    T_CHECK(P, "returns-new-pid", pid != ERR && pid > sys_getpid());
    T_CHECK(P, "child-is-waitable", pid != ERR && sys_wait(pid, NULL, 0) == pid);
    T_CHECK(P, "hello-exits-0", t_run(hello) == 0);
    T_CHECK(P, "pie-exits-0", t_run(hello_pie) == 0);
    T_CHECK(P, "child-sees-sysv-stack", t_run(argv_child) == 0);
    const char *no_stderr[] = { "/bin/t_child", "no-stderr", NULL };
    const spawn_fd_t only_stdout[] = { { 1, 1 }, { SPAWN_FD_END, 0 } };
    pid = sys_spawn(no_stderr, only_stdout, NULL, SPAWN_EMPTY_FDS);
    int32_t status = -1;
    T_CHECK(P, "explicit-fds-respected",
            pid != ERR && sys_wait(pid, &status, 0) == pid && status == 0);
    int ok = 1;
    for (int i = 0; i < 40 && ok; i++)
        ok = t_run1("/bin/t_child", "3") == 3;
    T_CHECK(P, "forty-spawn-wait-cycles", ok);
}

int main(void)
{
    test_not_programs();
    test_bad_arguments();
    test_children();
    return t_failures ? 1 : 0;
}
