/*
 * init - the first process. Without arguments it shows /etc/motd and runs the shell,
 * /bin/sh, on the console; when the shell exits, init exits with its status (the kernel
 * then powers off). A login shell that was killed (`kill $$`, a fault) did not ask for a
 * power-off: init starts a new one. With arguments (the kernel passes the command-line words after `--`
 * as argv[1..]) it runs that program instead and exits with its status, so a test can
 * boot straight into any program (under `qemu_exit` that status is QEMU's exit code).
 */
#include <errno.h>
#include <fcntl.h>
#include <spindle.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define INIT_DEFAULT_PROGRAM "/bin/sh"
#define INIT_MOTD            "/etc/motd"
#define INIT_SPAWN_FAILED    127

/* Runs argv[0] to completion; returns its exit status (128 + code when it was killed, and
 * *killed set), or INIT_SPAWN_FAILED when it could not be started or waited for. */
static int init_run(const char *const argv[], bool *killed)
{
    *killed = false;
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
        *killed = true;
        return 128 + WTERMSIG(status);
    }
    printf("init: %s exited with status %d\n", argv[0], WEXITSTATUS(status));
    return WEXITSTATUS(status);
}

/* Copies the message of the day to the console; a missing file is fine. */
static void init_show_motd(void)
{
    char buf[512];
    int fd = open(INIT_MOTD, O_RDONLY);
    if (fd < 0)
        return;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        write(1, buf, (size_t)n);
    close(fd);
}

int main(int argc, char **argv)
{
    bool killed;
    if (argc > 1)
        return init_run((const char *const *)(argv + 1), &killed);
    init_show_motd();
    const char *const shell[] = { INIT_DEFAULT_PROGRAM, NULL };
    for (;;) {
        int status = init_run(shell, &killed);
        if (!killed)
            return status;
        printf("init: starting a new shell\n");
    }
}
