/*
 * builtin.c - commands that must run inside the shell because they change or read its own
 * state: cd, pwd, exit, wait, jobs, help, and kill (the kernel lets a process end only
 * itself and its descendants, so the shell, parent of every job, does the killing; the
 * /bin/kill program remains for other callers). Output goes to the fds the caller chose
 * (a builtin's redirections), errors to its error fd.
 */
#include <errno.h>
#include <spindle.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "path.h"
#include "sh.h"

typedef int (*builtin_fn_t)(sh_t *sh, int argc, const char *const *argv, int out, int err);

static int builtin_cd(sh_t *sh, int argc, const char *const *argv, int out, int err)
{
    (void)out;
    if (argc > 2) {
        sh_fdprintf(err, "sh: cd: too many arguments\n");
        return 1;
    }
    const char *target = argc == 2 ? argv[1] : "/";
    char path[PATH_MAX];
    if (sh_path_resolve(sh->cwd, target, path, sizeof path) < 0) {
        sh_fdprintf(err, "sh: cd: %s: path too long\n", target);
        return 1;
    }
    if (chdir(path) < 0) {
        sh_fdprintf(err, "sh: cd: %s: %s\n", target, strerror(errno));
        return 1;
    }
    memcpy(sh->cwd, path, strlen(path) + 1);
    return 0;
}

static int builtin_pwd(sh_t *sh, int argc, const char *const *argv, int out, int err)
{
    (void)argc, (void)argv, (void)err;
    sh_fdprintf(out, "%s\n", sh->cwd);
    return 0;
}

/* A status argument: 0..255, anything else is an error. */
static int parse_status(const char *s, int *status)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 0 || v > 255)
        return -1;
    *status = (int)v;
    return 0;
}

static int builtin_exit(sh_t *sh, int argc, const char *const *argv, int out, int err)
{
    (void)out;
    int status = sh->last_status;
    if (argc > 2) {
        sh_fdprintf(err, "sh: exit: too many arguments\n");
        return 1;
    }
    if (argc == 2 && parse_status(argv[1], &status) < 0) {
        sh_fdprintf(err, "sh: exit: %s: not a status (0-255)\n", argv[1]);
        return 2;
    }
    sh->exit_requested = 1;
    sh->exit_status = status;
    return status;
}

static int builtin_wait(sh_t *sh, int argc, const char *const *argv, int out, int err)
{
    (void)out;
    if (argc == 1)
        return sh_jobs_wait_all(sh);
    int status = 0;
    for (int i = 1; i < argc; i++) {
        status = sh_jobs_wait_one(sh, argv[i]);
        if (status < 0) {
            sh_fdprintf(err, "sh: wait: %s: no such job\n", argv[i]);
            status = SH_STATUS_NOT_FOUND;
        }
    }
    return status;
}

/* kill [-CODE] PID|%JOB... */
static int builtin_kill(sh_t *sh, int argc, const char *const *argv, int out, int err)
{
    (void)out;
    int i = 1, failed = 0;
    long code = KILL_TERM;
    char *end;
    if (argc > 1 && argv[1][0] == '-') {
        code = strtol(argv[1] + 1, &end, 10);
        if (argv[1][1] == '\0' || *end != '\0' || code < 1 || code > 127) {
            sh_fdprintf(err, "sh: kill: %s: not a code (1-127)\n", argv[1]);
            return 2;
        }
        i = 2;
    }
    if (i >= argc) {
        sh_fdprintf(err, "usage: kill [-CODE] PID|%%JOB...\n");
        return 2;
    }
    for (; i < argc; i++) {
        pid_t pids[SH_MAX_CMDS];
        int n = sh_jobs_pids(sh, argv[i], pids);
        if (n < 0) {
            sh_fdprintf(err, "sh: kill: %s: no such process or job\n", argv[i]);
            failed = 1;
        }
        for (int k = 0; k < n; k++) {
            if (kill(pids[k], (int)code) < 0) {
                sh_fdprintf(err, "sh: kill: %d: %s\n", (int)pids[k], strerror(errno));
                failed = 1;
            }
        }
    }
    return failed;
}

static int builtin_jobs(sh_t *sh, int argc, const char *const *argv, int out, int err)
{
    (void)argc, (void)argv, (void)err;
    sh_jobs_list(sh, out);
    return 0;
}

static const char help_text[] =
    "Spindle shell. Programs are looked up in /bin (try: ls /bin).\n"
    "  cmd args          run a program        cmd1 | cmd2      pipeline\n"
    "  < f  > f  >> f    redirect in/out      2> f  2>&1  >&2  redirect errors\n"
    "  cmd &             run in background    wait [%N|PID]    wait for jobs\n"
    "  a ; b  a && b  a || b                  $? status, $! last background pid\n"
    "  'quotes' \"quotes $?\" \\x            # comment\n"
    "  sh FILE           run a script         sh -c 'LINE'     run one line\n"
    "Builtins: cd [dir], pwd, exit [n], wait, jobs, kill [-N] PID|%N, help.\n"
    "Keys: arrows edit and browse history, Home/End (or ^A/^E), ^U clears the line,\n"
    "      ^C abandons it, ^D on an empty line ends the shell.\n"
    "Tests: `suite` runs every test program and prints N passed, N failed.\n";

static int builtin_help(sh_t *sh, int argc, const char *const *argv, int out, int err)
{
    (void)sh, (void)argc, (void)argv, (void)err;
    size_t done = 0, len = sizeof help_text - 1;
    while (done < len) {
        ssize_t w = write(out, help_text + done, len - done);
        if (w <= 0)
            return 1;
        done += (size_t)w;
    }
    return 0;
}

static const struct {
    const char *name;
    builtin_fn_t fn;
} builtins[] = {
    { "cd", builtin_cd },     { "pwd", builtin_pwd },   { "exit", builtin_exit },
    { "wait", builtin_wait }, { "jobs", builtin_jobs }, { "help", builtin_help },
    { "kill", builtin_kill },
};

static builtin_fn_t builtin_find(const char *name)
{
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (strcmp(builtins[i].name, name) == 0)
            return builtins[i].fn;
    return NULL;
}

int sh_is_builtin(const char *name)
{
    return builtin_find(name) != NULL;
}

int sh_builtin_run(sh_t *sh, int argc, const char *const *argv, int out, int err, int *status)
{
    builtin_fn_t fn = builtin_find(argv[0]);
    if (!fn)
        return 0;
    *status = fn(sh, argc, argv, out, err);
    return 1;
}
