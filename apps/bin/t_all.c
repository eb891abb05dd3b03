/*
 * t_all - runs every t_* test program of the process/syscall issue in turn (there is no
 * directory listing yet, so the list is here) and exits 1 if any of them failed.
 * Boot with: qemu_exit -- /bin/t_all
 */
#include "t_check.h"

static const char *const t_programs[] = {
    "/bin/t_syscall", "/bin/t_info", "/bin/t_write", "/bin/t_spawn",
    "/bin/t_wait",    "/bin/t_kill", "/bin/t_exit",  "/bin/t_fault", "/bin/t_limits", "/bin/t_thread", "/bin/t_futex", "/bin/t_sched",
    "/bin/t_mmap", "/bin/t_malloc", "/bin/t_mem", "/bin/t_mmap_file", /* vm */
    "/bin/t_trace", "/bin/t_smp",
    "/bin/t_file", "/bin/t_pipe", "/bin/t_dev", /* files */
};

int main(void)
{
    int failed = 0;
    for (unsigned i = 0; i < sizeof t_programs / sizeof t_programs[0]; i++) {
        const char *argv[] = { t_programs[i], NULL };
        uint64_t pid = sys_spawn(argv, NULL, NULL, 0);
        int32_t status = -1;
        if (pid == ERR || sys_wait(pid, &status, 0) != pid || status != 0) {
            printf("FAIL user.t_all.%s: status %d\n", t_programs[i] + 5, (int)status);
            failed = 1;
        }
    }
    return failed;
}
