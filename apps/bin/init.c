/*
 * init - the first process. Without arguments it runs /bin/hello, waits for it and reports
 * its exit status. With arguments (the kernel passes the command-line words after `--` as
 * argv[1..]) it runs that program instead and exits with its status, so a test can boot
 * straight into any program.
 */
#include <errno.h>
#include <spindle.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#define INIT_DEFAULT_PROGRAM "/bin/hello"
#define INIT_SPAWN_FAILED    127

/* Runs argv[0] to completion; returns its exit status (128 + code when it was killed), or
 * INIT_SPAWN_FAILED when it could not be started or waited for. */
static int init_run(const char *const argv[])
{
    pid_t pid = spawn(argv, NULL, NULL, 0);
    if (pid < 0) {
        fprintf(stderr, "init: cannot start %s: %s\n", argv[0], strerror(errno));
        return INIT_SPAWN_FAILED;
    }
    int status;
    if (waitpid(pid, &status, 0) < 0) {
        fprintf(stderr, "init: waiting for %s: %s\n", argv[0], strerror(errno));
        return INIT_SPAWN_FAILED;
    }
    if (WIFSIGNALED(status)) {
        printf("init: %s was killed with code %d\n", argv[0], WTERMSIG(status));
        return 128 + WTERMSIG(status);
    }
    printf("init: %s exited with status %d\n", argv[0], WEXITSTATUS(status));
    return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return init_run((const char *const *)(argv + 1));
    const char *const hello[] = { INIT_DEFAULT_PROGRAM, NULL };
    init_run(hello);
    return 0;
}
