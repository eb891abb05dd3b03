/*
 * suite - runs every test program (/bin/t_*) and reports, one line per test case,
 * "ok NAME", "FAIL NAME: reason" or "skip NAME: why" (and passes on "note ..." lines, figures
 * worth keeping in the log), then "N passed, N failed" (and
 * ", N skipped" when a case could not run on this machine). Exit status 0 only when
 * nothing failed. `make test` boots with `qemu_exit -- /bin/suite`; on a PC, run `suite`
 * from the shell or from a boot entry and read the result on screen.
 *
 *   suite [-v] [PROGRAM...]   PROGRAM: a name like t_pipe or a path; default: all of /bin/t_*
 *
 * Each program's stdout comes through a pipe: its ok/FAIL lines are counted and passed on,
 * other lines are passed on only with -v (the screen stays readable). A program that ends
 * with a non-zero status without having printed a FAIL line, that cannot be started, or
 * that stays silent for SUITE_SILENCE_S seconds (it is then killed) gets a FAIL line of its
 * own, "FAIL suite.PROG: why", so no failure is ever silent.
 *
 * Not every t_* program is a test: some are helpers the tests start (SUITE_HELPERS).
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <spindle.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SUITE_MAX_PROGRAMS 128
#define SUITE_SILENCE_S    120
#define SUITE_LINE_MAX     512

static const char *const SUITE_HELPERS[] = { "t_all", "t_child", "t_crash", "t_trace_sample" };

/* Used when /bin cannot be listed. */
static const char *const SUITE_FALLBACK[] = {
    "t_syscall", "t_info", "t_write", "t_spawn", "t_wait", "t_kill", "t_exit", "t_fault",
};

static int opt_verbose;
static unsigned long passed, failed, skipped;
/* The first FAIL lines, repeated right above the verdict: on a PC screen with no serial
 * port the earlier ones have scrolled away. */
#define SUITE_FAILS_KEPT 12
static char fail_lines[SUITE_FAILS_KEPT][100];
static size_t nfail_lines;
static char names[SUITE_MAX_PROGRAMS][64];
static size_t nnames;

static int is_helper(const char *name)
{
    for (size_t i = 0; i < sizeof SUITE_HELPERS / sizeof SUITE_HELPERS[0]; i++)
        if (strcmp(name, SUITE_HELPERS[i]) == 0)
            return 1;
    return 0;
}

static void add_name(const char *name)
{
    if (nnames < SUITE_MAX_PROGRAMS && strlen(name) < sizeof names[0])
        strcpy(names[nnames++], name);
}

static void sort_names(void)
{
    static char tmp[64];
    for (size_t i = 1; i < nnames; i++) {
        strcpy(tmp, names[i]);
        size_t j = i;
        for (; j > 0 && strcmp(names[j - 1], tmp) > 0; j--)
            strcpy(names[j], names[j - 1]);
        strcpy(names[j], tmp);
    }
}

static void discover(void)
{
    DIR *d = opendir("/bin");
    if (!d) {
        printf("suite: cannot list /bin (%s): running the built-in list\n", strerror(errno));
        for (size_t i = 0; i < sizeof SUITE_FALLBACK / sizeof SUITE_FALLBACK[0]; i++)
            add_name(SUITE_FALLBACK[i]);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, "t_", 2) == 0 && !is_helper(e->d_name))
            add_name(e->d_name);
    closedir(d);
    sort_names();
}

/* Lines passed on as they are; each kind counted (note: a figure worth keeping in the log,
 * counted nowhere). */
static const struct {
    const char *prefix;
    unsigned long *count;
} line_kinds[] = {
    { "ok ", &passed }, { "FAIL ", &failed }, { "skip ", &skipped }, { "note ", NULL },
};

static void keep_fail(const char *line)
{
    if (nfail_lines < SUITE_FAILS_KEPT)
        snprintf(fail_lines[nfail_lines++], sizeof fail_lines[0], "%s", line);
}

/* One line of a program's output: counted when it is a verdict. Returns 1 for FAIL. */
static int take_line(const char *line)
{
    for (size_t k = 0; k < sizeof line_kinds / sizeof line_kinds[0]; k++) {
        if (strncmp(line, line_kinds[k].prefix, strlen(line_kinds[k].prefix)) != 0)
            continue;
        if (line_kinds[k].count)
            (*line_kinds[k].count)++;
        printf("%s\n", line);
        if (line_kinds[k].count == &failed)
            keep_fail(line);
        return line_kinds[k].count == &failed;
    }
    if (opt_verbose)
        printf("  | %s\n", line);
    return 0;
}

static void fail(const char *prog, const char *fmt, int value)
{
    char why[64], line[100];
    snprintf(why, sizeof why, fmt, value);
    snprintf(line, sizeof line, "FAIL suite.%s: %s", prog, why);
    failed++;
    printf("%s\n", line);
    keep_fail(line);
}

/* Reads the program's output until end of file; 0 on silence for too long. Counts the
 * FAIL lines it saw in *fails. */
static int pump(int fd, int *fails)
{
    static char line[SUITE_LINE_MAX];
    size_t len = 0;
    char buf[1024];
    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int r = poll(&p, 1, SUITE_SILENCE_S * 1000);
        if (r == 0)
            return 0;
        ssize_t n = read(fd, buf, sizeof buf); /* also after a poll error: read reports it */
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == '\n' || len == sizeof line - 1) {
                line[len] = '\0';
                *fails += take_line(line);
                len = 0;
                if (buf[i] == '\n')
                    continue;
            }
            line[len++] = buf[i];
        }
    }
    if (len) {
        line[len] = '\0';
        *fails += take_line(line);
    }
    return 1;
}

static void run_program(const char *name)
{
    char path[96];
    if (name[0] == '/')
        snprintf(path, sizeof path, "%s", name);
    else
        snprintf(path, sizeof path, "/bin/%s", name);
    const char *base = strrchr(path, '/') + 1;
    int pipefd[2];
    if (pipe(pipefd) < 0) {
        fail(base, "no pipe (errno %d)", errno);
        return;
    }
    const char *argv[] = { path, NULL };
    const spawn_fd_t fds[] = { { 0, 0 }, { 1, pipefd[1] }, { 2, 2 }, { SPAWN_FD_END, 0 } };
    pid_t pid = spawn(argv, fds, NULL, SPAWN_EMPTY_FDS);
    close(pipefd[1]);
    if (pid < 0) {
        fail(base, "cannot start (errno %d)", errno);
        close(pipefd[0]);
        return;
    }
    fflush(stdout);
    int fails = 0;
    if (!pump(pipefd[0], &fails)) {
        kill(pid, KILL_TERM);
        fail(base, "no output for %d s: killed", SUITE_SILENCE_S);
    }
    close(pipefd[0]);
    int status = 0;
    if (waitpid(pid, &status, 0) != pid)
        fail(base, "lost (wait: errno %d)", errno);
    else if (WIFSIGNALED(status))
        fail(base, "killed with code %d", WTERMSIG(status));
    else if (WEXITSTATUS(status) != 0 && fails == 0)
        fail(base, "exit status %d without a FAIL line", WEXITSTATUS(status));
    fflush(stdout);
}

int main(int argc, char **argv)
{
    int i = 1;
    if (i < argc && strcmp(argv[i], "-v") == 0) {
        opt_verbose = 1;
        i++;
    }
    for (; i < argc; i++)
        add_name(argv[i]);
    if (nnames == 0)
        discover();
    uint64_t start = uptime_ns();
    for (size_t k = 0; k < nnames; k++)
        run_program(names[k]);
    uint64_t ms = (uptime_ns() - start) / 1000000;
    if (nfail_lines) {
        printf("suite: what failed%s:\n", failed > nfail_lines ? " (the first ones)" : "");
        for (size_t k = 0; k < nfail_lines; k++)
            printf("  %s\n", fail_lines[k]);
    }
    printf("suite: %zu programs in %llu.%03llu s\n", nnames, (unsigned long long)(ms / 1000),
           (unsigned long long)(ms % 1000));
    if (skipped)
        printf("%lu passed, %lu failed, %lu skipped\n", passed, failed, skipped);
    else
        printf("%lu passed, %lu failed\n", passed, failed);
    fflush(stdout);
    return failed ? 1 : 0;
}
