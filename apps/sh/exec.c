/*
 * exec.c - runs a parsed line.
 *
 * Each command is started with spawn() and an explicit descriptor table (SPAWN_EMPTY_FDS):
 * the child gets exactly fds 0, 1, 2, chosen from the shell's own fds, pipe ends and files
 * opened for its redirections. So no child ever holds a stray pipe end (which would keep
 * a reader from seeing end of file). The shell closes every pipe end and redirection file
 * as soon as the child that needs it has been started.
 *
 * A background group that is a single pipeline is spawned directly and recorded as a job;
 * one with && / || is handed to a child shell (`/bin/sh -c TEXT`) so the group's logic
 * runs without blocking this shell.
 *
 * The whole line is parsed first (so a syntax error anywhere runs nothing), then each
 * pipeline's own text is parsed again just before it runs: $? and $! must expand to the
 * values of that moment, after the pipelines to their left have run.
 */
#include <errno.h>
#include <fcntl.h>
#include <spindle.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "path.h"
#include "sh.h"

#define SH_SELF        "/bin/sh"
#define SH_PROBE_BYTES 256

void sh_fdprintf(int fd, const char *fmt, ...)
{
    char buf[1024]; /* longer output is cut: callers print short messages */
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, buf + done, len - done);
        if (w <= 0)
            return;
        done += (size_t)w;
    }
}

void sh_error(const char *fmt, ...)
{
    char buf[480];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    sh_fdprintf(2, "sh: %s\n", buf);
}

int sh_wait_status(int word)
{
    if (WIFSIGNALED(word))
        return 128 + WTERMSIG(word);
    return WEXITSTATUS(word);
}

/* Waits for pid; returns its status as $? shows it. */
static int wait_pid(pid_t pid)
{
    int word = 0;
    for (;;) {
        if (waitpid(pid, &word, 0) == pid)
            return sh_wait_status(word);
        if (errno != EINTR)
            return SH_STATUS_NOT_FOUND;
    }
}

/* ------------------------------------------------------------------ descriptors */

/* The child's fds 0, 1, 2 and the files opened for it (closed after the spawn). */
typedef struct {
    int map[3];
    int opened[SH_MAX_REDIRS];
    int nopened;
} fdplan_t;

static void plan_close(fdplan_t *p)
{
    for (int i = 0; i < p->nopened; i++)
        close(p->opened[i]);
    p->nopened = 0;
}

static int redir_open(sh_t *sh, const sh_redir_t *r)
{
    int flags;
    switch (r->kind) {
    case SH_REDIR_IN: flags = O_RDONLY; break;
    case SH_REDIR_OUT:
    case SH_REDIR_ERR: flags = O_WRONLY | O_CREAT | O_TRUNC; break;
    default: flags = O_WRONLY | O_CREAT | O_APPEND; break;
    }
    char path[PATH_MAX];
    if (sh_path_resolve(sh->cwd, r->path, path, sizeof path) < 0) {
        sh_error("%s: path too long", r->path);
        return -1;
    }
    int fd = open(path, flags);
    if (fd < 0)
        sh_error("%s: %s", r->path, strerror(errno));
    return fd;
}

/* Applies c's redirections, in order, on top of the pipeline's choice of fds. */
static int plan_redirect(sh_t *sh, const sh_command_t *c, fdplan_t *p)
{
    for (int i = 0; i < c->nredirs; i++) {
        const sh_redir_t *r = &c->redirs[i];
        if (r->kind == SH_REDIR_ERR_TO_OUT) {
            p->map[2] = p->map[1];
            continue;
        }
        if (r->kind == SH_REDIR_OUT_TO_ERR) {
            p->map[1] = p->map[2];
            continue;
        }
        int fd = redir_open(sh, r);
        if (fd < 0) {
            plan_close(p);
            return -1;
        }
        p->opened[p->nopened++] = fd;
        int target = r->kind == SH_REDIR_IN ? 0
                     : (r->kind == SH_REDIR_ERR || r->kind == SH_REDIR_ERR_APPEND) ? 2 : 1;
        p->map[target] = fd;
    }
    return 0;
}

/* ------------------------------------------------------------------ starting programs */

/* The absolute program path for a command name: names without '/' are looked up in /bin. */
static int program_path(sh_t *sh, const char *name, char *out, size_t size)
{
    if (strchr(name, '/'))
        return sh_path_resolve(sh->cwd, name, out, size);
    int n = snprintf(out, size, "/bin/%s", name);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* A file that spawn() refused as a program is run as a script when its first bytes are
 * text (no control characters but tab, CR and LF), the way other shells treat files
 * without #!. An ELF file, even a broken one, never is. */
static int looks_like_text(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    unsigned char buf[SH_PROBE_BYTES];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    if (n <= 0 || (n >= 4 && memcmp(buf, "\x7f" "ELF", 4) == 0))
        return 0;
    for (ssize_t i = 0; i < n; i++)
        if ((buf[i] < 0x20 && buf[i] != '\t' && buf[i] != '\n' && buf[i] != '\r') ||
            buf[i] == 0x7f)
            return 0;
    return 1;
}

static pid_t spawn_with(const char *const *argv, const fdplan_t *p)
{
    spawn_fd_t fds[4];
    int n = 0;
    for (int i = 0; i < 3; i++)
        if (p->map[i] >= 0)
            fds[n++] = (spawn_fd_t){ i, p->map[i] };
    fds[n] = (spawn_fd_t){ SPAWN_FD_END, 0 };
    return spawn(argv, fds, NULL, SPAWN_EMPTY_FDS);
}

/* Starts c with the fds in p; returns its pid, or -1 after telling the user why (*status
 * then holds the status to report). */
static pid_t spawn_command(sh_t *sh, const sh_command_t *c, const fdplan_t *p, int *status)
{
    char path[PATH_MAX];
    const char *name = c->argv[0];
    if (program_path(sh, name, path, sizeof path) < 0) {
        sh_error("%s: name too long", name);
        *status = SH_STATUS_NOT_FOUND;
        return -1;
    }
    const char *argv[SH_MAX_ARGS + 2];
    argv[0] = path;
    for (int i = 1; i <= c->argc; i++)
        argv[i] = c->argv[i];
    pid_t pid = spawn_with(argv, p);
    if (pid >= 0)
        return pid;
    int err = errno;
    if (err == ENOEXEC && looks_like_text(path)) {
        const char *sargv[SH_MAX_ARGS + 3] = { SH_SELF, path };
        for (int i = 1; i <= c->argc; i++)
            sargv[i + 1] = c->argv[i];
        pid = spawn_with(sargv, p);
        if (pid >= 0)
            return pid;
        err = errno;
    }
    if (err == ENOENT && !strchr(name, '/')) {
        sh_error("%s: command not found", name);
        *status = SH_STATUS_NOT_FOUND;
    } else if (err == ENOENT) {
        sh_error("%s: no such file", name);
        *status = SH_STATUS_NOT_FOUND;
    } else {
        sh_error("%s: cannot run: %s", name, strerror(err));
        *status = SH_STATUS_NOT_EXEC;
    }
    return -1;
}

/* ------------------------------------------------------------------ pipelines */

/* A builtin alone in its pipeline runs inside the shell, with its redirections. */
static int run_builtin(sh_t *sh, const sh_command_t *c, int *status)
{
    fdplan_t p = { .map = { 0, 1, 2 } };
    if (plan_redirect(sh, c, &p) < 0) {
        *status = 1;
        return 1;
    }
    int r = sh_builtin_run(sh, c->argc, c->argv, p.map[1], p.map[2], status);
    plan_close(&p);
    return r;
}

static int background_stdin(void)
{
    return open("/dev/null", O_RDONLY);
}

/* Builtins change the shell itself, so they cannot run in a child: refused as part of a
 * pipeline or in the background (before anything of the pipeline starts). */
static int has_builtin(const sh_command_t *cmds, int n)
{
    for (int i = 0; i < n; i++) {
        if (sh_is_builtin(cmds[i].argv[0])) {
            sh_error("%s: a shell builtin cannot run in a pipeline or in the background",
                     cmds[i].argv[0]);
            return 1;
        }
    }
    return 0;
}

/* Runs the pipeline's commands connected by pipes; returns the status of the last one
 * (0 for a background pipeline, which is recorded as a job). */
static int run_commands(sh_t *sh, const sh_line_t *l, const sh_pipeline_t *pl,
                        int background, const char *src)
{
    const sh_command_t *cmds = &l->cmds[pl->first];
    int status = 0;
    if (pl->ncmds == 1 && !background && run_builtin(sh, &cmds[0], &status))
        return status;
    if (has_builtin(cmds, pl->ncmds))
        return 1;

    pid_t pids[SH_MAX_CMDS];
    int npids = 0, last_failed = 0;
    int in = background ? background_stdin() : 0;
    int in_owned = background && in >= 0;
    if (in < 0)
        in = 0;
    for (int i = 0; i < pl->ncmds; i++) {
        int pipefd[2] = { -1, -1 };
        int last = i == pl->ncmds - 1;
        if (!last && pipe(pipefd) < 0) {
            sh_error("pipe: %s", strerror(errno));
            status = 1;
            break;
        }
        fdplan_t p = { .map = { in, last ? 1 : pipefd[1], 2 } };
        pid_t pid = -1;
        if (plan_redirect(sh, &cmds[i], &p) == 0) {
            pid = spawn_command(sh, &cmds[i], &p, &status);
            plan_close(&p);
        } else {
            status = 1;
        }
        if (pid >= 0)
            pids[npids++] = pid;
        last_failed = pid < 0;
        if (in_owned)
            close(in);
        if (!last)
            close(pipefd[1]);
        in = pipefd[0];
        in_owned = !last;
    }
    if (in_owned)
        close(in);

    if (background) {
        if (npids > 0 && sh_job_add(sh, pids, npids, src, strlen(src)) == 0) {
            for (int i = 0; i < npids; i++)
                wait_pid(pids[i]);
        }
        if (npids > 0)
            sh->last_bg = pids[npids - 1];
        return last_failed ? status : 0;
    }
    for (int i = 0; i < npids; i++) {
        int st = wait_pid(pids[i]);
        if (i == npids - 1 && !last_failed)
            status = st;
    }
    return status;
}

/* Parses pipeline pl's text again with the variables as they are now, and runs it. */
static int run_pipeline(sh_t *sh, const sh_pipeline_t *pl, int background, const char *src)
{
    static sh_line_t now; /* the line being run keeps its own copy: not reentrant */
    char text[SH_TEXT_MAX], err[128];
    size_t n = pl->src_end - pl->src_start;
    if (n >= sizeof text) {
        sh_error("command too long");
        return SH_STATUS_SYNTAX;
    }
    memcpy(text, src + pl->src_start, n);
    text[n] = '\0';
    sh_vars_t vars = { .last_status = sh->last_status, .pid = getpid(), .last_bg = sh->last_bg };
    if (sh_parse(text, &vars, &now, err, sizeof err) < 0 || now.npipelines != 1) {
        sh_error("%s", err[0] ? err : "cannot expand the command");
        return SH_STATUS_SYNTAX;
    }
    return run_commands(sh, &now, &now.pipelines[0], background, text);
}

/* ------------------------------------------------------------------ groups and lines */

/* A background && / || group: a child shell runs its text. */
static void run_group_background(sh_t *sh, const char *src, size_t start, size_t end)
{
    char text[SH_TEXT_MAX];
    size_t n = end - start < sizeof text - 1 ? end - start : sizeof text - 1;
    memcpy(text, src + start, n);
    text[n] = '\0';
    const char *argv[] = { SH_SELF, "-c", text, NULL };
    int in = background_stdin();
    fdplan_t p = { .map = { in >= 0 ? in : 0, 1, 2 } };
    pid_t pid = spawn_with(argv, &p);
    if (in >= 0)
        close(in);
    if (pid < 0) {
        sh_error("%s: %s", SH_SELF, strerror(errno));
        return;
    }
    sh->last_bg = pid;
    if (sh_job_add(sh, &pid, 1, text, n) == 0)
        wait_pid(pid);
}

/* Runs pipelines [first, last] joined by && / ||, in the foreground. */
static void run_group(sh_t *sh, const sh_line_t *l, int first, int last, const char *src)
{
    for (int i = first; i <= last && !sh->exit_requested; i++) {
        if (i > first) {
            sh_next_t how = l->pipelines[i - 1].next;
            if ((how == SH_NEXT_AND && sh->last_status != 0) ||
                (how == SH_NEXT_OR && sh->last_status == 0))
                continue;
        }
        sh->last_status = run_pipeline(sh, &l->pipelines[i], 0, src);
    }
}

int sh_run_line(sh_t *sh, const char *text)
{
    static sh_line_t line; /* 12 KiB: kept off the stack */
    char err[128];
    sh_vars_t vars = { .last_status = sh->last_status, .pid = getpid(), .last_bg = sh->last_bg };
    if (sh_parse(text, &vars, &line, err, sizeof err) < 0) {
        sh_error("%s", err);
        sh->last_status = SH_STATUS_SYNTAX;
        return sh->last_status;
    }
    for (int first = 0; first < line.npipelines && !sh->exit_requested;) {
        int last = sh_group_last(&line, first);
        if (line.pipelines[last].next != SH_NEXT_BG) {
            run_group(sh, &line, first, last, text);
        } else if (first == last) {
            sh->last_status = run_pipeline(sh, &line.pipelines[first], 1, text);
        } else {
            run_group_background(sh, text, line.pipelines[first].src_start,
                                 line.pipelines[last].src_end);
            sh->last_status = 0;
        }
        first = last + 1;
    }
    return sh->last_status;
}
