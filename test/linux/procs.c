/* procs.c - a Linux program for test/linux.sh: popen, system, posix_spawn and waitpid, by
 * re-running itself (argv[0] child ...) and through /bin/sh. Output is identical on Linux
 * and Spindle. */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "abort") == 0)
        abort();
    if (argc > 1 && strcmp(argv[1], "sleep") == 0) {
        sleep(30);
        return 0;
    }
    if (argc > 2 && strcmp(argv[1], "child") == 0) {
        printf("child: argv[2] %s, env SPINDLE_TEST=%s\n", argv[2], getenv("SPINDLE_TEST") ? getenv("SPINDLE_TEST") : "(unset)");
        return atoi(argv[2]);
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    char *cargv[] = { argv[0], "child", "7", NULL };
    char *cenv[] = { "SPINDLE_TEST=passed", NULL };
    pid_t pid;
    int err = posix_spawn(&pid, argv[0], NULL, NULL, cargv, cenv);
    int st = 0;
    pid_t w = waitpid(pid, &st, 0);
    printf("posix_spawn: %d, waited same pid %d, exited %d code %d\n", err, w == pid, WIFEXITED(st), WEXITSTATUS(st));

    char *nargv[] = { "/nonexistent/program", NULL };
    printf("posix_spawn of a missing file: %s\n", strerror(posix_spawn(&pid, nargv[0], NULL, NULL, nargv, cenv)));
    FILE *p = popen("echo from the shell", "r");
    char line[64] = { 0 };
    fgets(line, sizeof line, p);
    printf("popen read: %s", line);
    printf("pclose: %d\n", WEXITSTATUS(pclose(p)));
    int s = system("exit 3");
    printf("system: exited %d code %d\n", WIFEXITED(s), WEXITSTATUS(s));
    printf("waitpid no child: %d\n", waitpid(-1, &st, WNOHANG));
    err = posix_spawn(&pid, argv[0], NULL, NULL, (char *[]){ argv[0], "child", "9", NULL }, cenv);
    siginfo_t si = { 0 };
    int r = waitid(P_PID, pid, &si, WEXITED);
    printf("waitid: %d, same pid %d, code exited %d, status %d\n", r, si.si_pid == pid,
           si.si_code == CLD_EXITED, si.si_status);
    posix_spawn(&pid, argv[0], NULL, NULL, (char *[]){ argv[0], "abort", NULL }, cenv);
    waitpid(pid, &st, 0);
    printf("abort: signaled %d, signal %d\n", WIFSIGNALED(st), WTERMSIG(st));
    posix_spawn(&pid, argv[0], NULL, NULL, (char *[]){ argv[0], "sleep", NULL }, cenv);
    int k = kill(pid, SIGTERM);
    waitpid(pid, &st, 0);
    printf("kill: %d, signaled %d, signal %d\n", k, WIFSIGNALED(st), WTERMSIG(st));
    printf("kill 0 on a reaped child: %d\n", kill(pid, 0));
    return 0;
}
