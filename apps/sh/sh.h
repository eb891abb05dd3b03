/*
 * sh.h - the shell's state and the interfaces between its files:
 *   main.c     options (-c, script files), the read-eval loop, input modes
 *   exec.c     runs a parsed line: and-or groups, pipelines, redirections, spawning
 *   jobs.c     background jobs: table, reaping, waiting
 *   builtin.c  commands that change the shell itself (cd, exit, wait, ...)
 *   parse.c, edit.c, path.c   the pure parts (host-tested)
 * One sh_t exists per shell process; nothing here is shared with another process.
 */
#ifndef SH_SH_H
#define SH_SH_H

#include <limits.h>
#include <stdarg.h>
#include <sys/types.h>
#include "parse.h"

#define SH_MAX_JOBS     16
#define SH_JOB_TEXT     80
#define SH_STATUS_NOT_FOUND 127 /* POSIX: command not found */
#define SH_STATUS_NOT_EXEC  126 /* found but cannot be run */
#define SH_STATUS_SYNTAX    2

typedef struct {
    int id;                       /* 0: free slot */
    int npids;
    pid_t pids[SH_MAX_CMDS];      /* 0 once reaped */
    int status;                   /* status of the last command, once it has ended */
    char text[SH_JOB_TEXT];
} sh_job_t;

typedef struct {
    int last_status;              /* $? */
    int last_bg;                  /* $! */
    int interactive;              /* report job starts/ends, show prompts */
    int exit_requested;           /* `exit` ran: stop reading input */
    int exit_status;
    char cwd[PATH_MAX];           /* the working directory as text (no getcwd call) */
    sh_job_t jobs[SH_MAX_JOBS];
} sh_t;

/* exec.c: parses and runs one line; returns (and stores in last_status) its status. */
int sh_run_line(sh_t *sh, const char *text);
/* Status of a child's wait word, as $? shows it (128 + code when it was killed). */
int sh_wait_status(int word);

/* jobs.c */
/* Records a background job; returns its id, or 0 when the table is full (then its
 * commands are waited for at once). */
int sh_job_add(sh_t *sh, const pid_t *pids, int npids, const char *text, size_t text_len);
/* Collects ended background commands without blocking; reports finished jobs when
 * interactive. */
void sh_jobs_reap(sh_t *sh);
/* Waits for every background job; returns 0. */
int sh_jobs_wait_all(sh_t *sh);
/* Waits for job %id or the job holding pid (spec "%N" or "PID"); returns its status, or
 * -1 when there is no such job. */
int sh_jobs_wait_one(sh_t *sh, const char *spec);
void sh_jobs_list(sh_t *sh, int fd);
/* The running pids that spec ("%N" a job, "PID" a process) names, into pids (up to
 * SH_MAX_CMDS): their count, or -1 for a bad spec. A PID that is not a job is passed on
 * as it is (the kernel decides whether it may be killed). */
int sh_jobs_pids(sh_t *sh, const char *spec, pid_t *pids);

/* builtin.c: runs argv when argv[0] is a builtin, output to fd out / errors to fd err;
 * returns 1 and sets *status if it was one, 0 otherwise. */
int sh_builtin_run(sh_t *sh, int argc, const char *const *argv, int out, int err, int *status);
int sh_is_builtin(const char *name);

/* Output to an fd with printf formatting (the shell writes to the fds a builtin's
 * redirections chose, not only to stdout). */
void sh_fdprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "sh: " + message on stderr. */
void sh_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
