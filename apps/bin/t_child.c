/*
 * t_child MODE [ARGS] - a helper child for the t_* tests: exits with a chosen status, through
 * thread_exit, or reports (as its exit status) whether what the kernel gave it is right:
 *   t_child N            process_exit(N)
 *   t_child thread-exit  thread_exit() (single thread: the process ends with status 0)
 *   t_child argv a "b c" 0 when argc/argv/envp/auxv are laid out as System V says
 *   t_child no-stderr    0 when fd 2 is closed (EBADF) and fd 1 is open
 *   t_child kill-self    kill(getpid(), 33): never returns
 *   t_child yield N      yields N times, then exits 0
 *   t_child stdin-eof N  reads fd 0 until end of file, then process_exit(N)
 *   t_child wait-grandchild  spawns "t_child yield 200" and waits for it (to be killed meanwhile)
 *   t_child fpu-clobber  fills XMM0-15 and MXCSR with other values and yields (for t_syscall)
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "t_check.h"

static int check_layout(int argc, char **argv)
{
    if (argc != 4 || strcmp(argv[2], "a") != 0 || strcmp(argv[3], "b c") != 0 || argv[4])
        return 10;
    if (((uintptr_t)argv & 7) != 0)
        return 11;
    char **envp = argv + argc + 1;
    while (*envp)
        envp++;
    uint64_t *aux = (uint64_t *)(envp + 1);
    uint64_t pagesz = 0, entry = 0, random = 0;
    for (; aux[0] != AT_NULL; aux += 2) {
        if (aux[0] == AT_PAGESZ)
            pagesz = aux[1];
        if (aux[0] == AT_ENTRY)
            entry = aux[1];
        if (aux[0] == AT_RANDOM)
            random = aux[1];
    }
    if (pagesz != 4096 || entry == 0 || random == 0)
        return 12;
    return 0;
}

int main(int argc, char **argv)
{
    const char *m = argc > 1 ? argv[1] : "0";
    if (strcmp(m, "thread-exit") == 0)
        sys_thread_exit();
    if (strcmp(m, "stdin-eof") == 0 && argc > 2) {
        char c;
        while (sys_read(0, &c, 1) == 1)
            ;
        sys_process_exit((uint64_t)atoi(argv[2]));
    }
    if (strcmp(m, "argv") == 0)
        return check_layout(argc, argv);
    if (strcmp(m, "no-stderr") == 0)
        return T_FAILS_WITH(sys_write(2, "x", 1), EBADF) && sys_write(1, "", 0) == 0 ? 0 : 1;
    if (strcmp(m, "fpu-clobber") == 0) {
        uint64_t junk = 0xdeadbeefdeadbeefULL;
        uint32_t mxcsr = 0x1F80 | (1u << 13); /* round down */
        for (int i = 0; i < 3; i++) {
            __asm__ volatile("ldmxcsr %0; movq %1, %%xmm7; movq %1, %%xmm0"
                             : : "m"(mxcsr), "r"(junk) : "xmm0", "xmm7");
            sys_yield();
        }
        return 0;
    }
    if (strcmp(m, "kill-self") == 0) {
        sys_kill(sys_getpid(), 33);
        return 1;
    }
    if (strcmp(m, "yield") == 0) {
        for (long i = argc > 2 ? strtol(argv[2], NULL, 0) : 1; i > 0; i--)
            sys_yield();
        return 0;
    }
    if (strcmp(m, "wait-grandchild") == 0) {
        const char *g[] = { "/bin/t_child", "yield", "200", NULL };
        uint64_t pid = sys_spawn(g, NULL, NULL, 0);
        return pid != ERR && sys_wait(pid, NULL, 0) == pid ? 0 : 1;
    }
    sys_process_exit(strtol(m, NULL, 0));
}
