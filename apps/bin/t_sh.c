/*
 * t_sh - the shell and the small programs, end to end: each case runs `/bin/sh -c LINE`
 * with stdout and stderr on one pipe and checks the text and the status it ends with.
 * Covers pipelines, every redirection, ; && ||, quoting, $? $! $$, background jobs and
 * wait, cd/pwd/exit, scripts (sh FILE and a text file run directly), and the messages for
 * unknown commands and bad syntax.
 */
#include <errno.h>
#include <fcntl.h>
#include <spindle.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "t_check.h"

#define P "t_sh"
#define OUT_MAX 8192

static char out[OUT_MAX];

/* Runs sh -c line; out gets everything it wrote (NUL-terminated); returns its exit
 * status, or -1 when it could not be run or ended by kill. */
static int sh(const char *line)
{
    out[0] = '\0';
    int p[2];
    if (pipe(p) < 0) {
        printf("  pipe: %s\n", strerror(errno));
        return -1;
    }
    const char *argv[] = { "/bin/sh", "-c", line, NULL };
    const spawn_fd_t fds[] = { { 0, 0 }, { 1, p[1] }, { 2, p[1] }, { SPAWN_FD_END, 0 } };
    pid_t pid = spawn(argv, fds, NULL, SPAWN_EMPTY_FDS);
    close(p[1]);
    if (pid < 0) {
        printf("  spawn /bin/sh: %s\n", strerror(errno));
        close(p[0]);
        return -1;
    }
    size_t len = 0;
    ssize_t n;
    while (len < OUT_MAX - 1 && (n = read(p[0], out + len, OUT_MAX - 1 - len)) > 0)
        len += (size_t)n;
    out[len] = '\0';
    close(p[0]);
    int status;
    if (waitpid(pid, &status, 0) != pid || WIFSIGNALED(status))
        return -1;
    return WEXITSTATUS(status);
}

/* sh(line) printed exactly want and ended with status. */
static int gives(const char *line, const char *want, int status)
{
    int st = sh(line);
    if (st == status && strcmp(out, want) == 0)
        return 1;
    printf("  sh -c '%s': status %d (want %d), output \"%s\" (want \"%s\")\n", line, st,
           status, out, want);
    return 0;
}

/* sh(line) ended with status and its output contains text. */
static int says(const char *line, const char *text, int status)
{
    int st = sh(line);
    if (st == status && strstr(out, text))
        return 1;
    printf("  sh -c '%s': status %d (want %d), output \"%s\" (want \"%s\" in it)\n", line, st,
           status, out, text);
    return 0;
}

static int write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

static void test_basics(void)
{
    T_CHECK(P, "echo", gives("echo hi", "hi\n", 0));
    T_CHECK(P, "echo-n", gives("echo -n a b", "a b", 0));
    T_CHECK(P, "quoting", gives("echo 'a  b' \"c  d\" e\\ f", "a  b c  d e f\n", 0));
    T_CHECK(P, "status-of-false", gives("false; echo $?", "1\n", 0));
    T_CHECK(P, "status-between-and-or", gives("false || echo $?; true && echo $?", "1\n0\n", 0));
    T_CHECK(P, "status-in-double-quotes", gives("true; echo \"[$?]\"", "[0]\n", 0));
    T_CHECK(P, "single-quotes-no-expansion", gives("echo '$?'", "$?\n", 0));
    T_CHECK(P, "exit-status-of-line", gives("false", "", 1));
    T_CHECK(P, "semicolons", gives("echo a; echo b;", "a\nb\n", 0));
    T_CHECK(P, "comment", gives("echo a # echo b", "a\n", 0));
    T_CHECK(P, "pid-expands", sh("echo $$") == 0 && out[0] >= '1' && out[0] <= '9');
}

static void test_and_or(void)
{
    T_CHECK(P, "and-runs-on-success", gives("true && echo yes", "yes\n", 0));
    T_CHECK(P, "and-skips-on-failure", gives("false && echo yes", "", 1));
    T_CHECK(P, "or-runs-on-failure", gives("false || echo no", "no\n", 0));
    T_CHECK(P, "or-skips-on-success", gives("true || echo no", "", 0));
    T_CHECK(P, "and-or-chain", gives("false && echo a || echo b", "b\n", 0));
    T_CHECK(P, "or-and-chain", gives("false || false && echo x", "", 1));
}

static void test_pipelines(void)
{
    T_CHECK(P, "pipe-echo-wc-c", gives("echo hi | wc -c", "3\n", 0));
    T_CHECK(P, "pipe-echo-wc-w", gives("echo a b c | wc -w", "3\n", 0));
    T_CHECK(P, "pipe-four-stages", gives("echo hello | cat | cat | wc -c", "6\n", 0));
    T_CHECK(P, "pipe-grep-match", gives("echo foo bar | grep bar", "foo bar\n", 0));
    T_CHECK(P, "pipe-grep-no-match-status-1", gives("echo foo | grep zzz", "", 1));
    T_CHECK(P, "pipe-status-is-last-command", gives("false | true", "", 0));
    T_CHECK(P, "pipe-head", gives("echo 1; echo 2 | head -n 1", "1\n2\n", 0));
    struct stat st;
    char want[32];
    snprintf(want, sizeof want, "%ld\n", stat("/bin/sh", &st) == 0 ? (long)st.st_size : -1L);
    T_CHECK(P, "pipe-carries-a-whole-program", gives("cat /bin/sh | cat | wc -c", want, 0));
}

static void test_redirections(void)
{
    T_CHECK(P, "redirect-out-and-append",
            gives("echo one > /tmp/t_sh.a; echo two >> /tmp/t_sh.a; cat /tmp/t_sh.a",
                  "one\ntwo\n", 0));
    T_CHECK(P, "redirect-out-truncates",
            gives("echo long-line > /tmp/t_sh.a; echo x > /tmp/t_sh.a; cat < /tmp/t_sh.a",
                  "x\n", 0));
    T_CHECK(P, "redirect-in", gives("wc -c < /tmp/t_sh.a", "2\n", 0));
    T_CHECK(P, "redirect-stderr-to-file",
            gives("cat /no/such 2> /tmp/t_sh.e; wc -l < /tmp/t_sh.e", "1\n", 0));
    T_CHECK(P, "redirect-stderr-append",
            gives("cat /no/such 2>> /tmp/t_sh.e; wc -l < /tmp/t_sh.e", "2\n", 0));
    T_CHECK(P, "redirect-stderr-to-stdout", gives("cat /no/such 2>&1 | wc -l", "1\n", 0));
    T_CHECK(P, "redirect-stdout-to-stderr",
            gives("echo err >&2 2> /tmp/t_sh.e; cat /tmp/t_sh.e", "err\n", 0) ||
            gives("echo err 2> /tmp/t_sh.e >&2; cat /tmp/t_sh.e", "err\n", 0));
    T_CHECK(P, "redirect-missing-input-file", says("cat < /no/such", "/no/such", 1));
    T_CHECK(P, "redirect-builtin-output", gives("cd /etc; pwd > /tmp/t_sh.p; cat /tmp/t_sh.p",
                                                "/etc\n", 0));
    T_CHECK(P, "redirect-relative-after-cd",
            gives("cd /tmp; echo rel > t_sh.r; cat /tmp/t_sh.r", "rel\n", 0));
}

static void test_jobs(void)
{
    T_CHECK(P, "background-then-wait", gives("sleep 0.1 & wait; echo done", "done\n", 0));
    T_CHECK(P, "wait-pid-gives-status", gives("false & wait $!; echo $?", "1\n", 0));
    T_CHECK(P, "wait-job-id", gives("true & wait %1; echo $?", "0\n", 0));
    T_CHECK(P, "background-output-arrives", gives("echo bg & wait", "bg\n", 0));
    T_CHECK(P, "background-and-group", gives("true && echo x & wait; echo y", "x\ny\n", 0));
    T_CHECK(P, "background-and-group-skips", gives("false && echo x & wait; echo y", "y\n", 0));
    T_CHECK(P, "wait-unknown-job", says("wait %9", "no such job", 127));
    /* Job numbers come back once jobs end, as in other shells. */
    T_CHECK(P, "job-numbers-reused-after-jobs-end",
            gives("true & wait; true & wait; sleep 1 & jobs; kill %1", "[1] running    sleep 1\n", 0));
    /* The job (output elsewhere, so the pipe closes with the shell) outlives the shell:
     * sh -c must come back long before the job's 3 s are over. */
    uint64_t t0 = uptime_ns();
    int st = sh("sleep 3 > /dev/null 2>&1 & echo first");
    uint64_t ms = (uptime_ns() - t0) / 1000000;
    T_CHECK(P, "background-does-not-block", st == 0 && strcmp(out, "first\n") == 0 && ms < 2000);
}

static void test_builtins(void)
{
    T_CHECK(P, "cd-and-pwd", gives("cd /etc; pwd; cd ..; pwd; cd; pwd", "/etc\n/\n/\n", 0));
    T_CHECK(P, "cd-relative-run", gives("cd /etc; cat motd | wc -l", "1\n", 0));
    T_CHECK(P, "cd-missing-dir", says("cd /no/such", "cd: /no/such", 1));
    T_CHECK(P, "exit-with-status", gives("exit 7; echo no", "", 7));
    T_CHECK(P, "exit-keeps-last-status", gives("false; exit", "", 1));
    T_CHECK(P, "exit-bad-status", says("exit abc", "not a status", 2));
}

static void test_errors(void)
{
    T_CHECK(P, "unknown-command-127", says("no-such-command", "no-such-command: command not found", 127));
    T_CHECK(P, "unknown-path-127", says("/no/such/prog", "/no/such/prog", 127));
    T_CHECK(P, "syntax-error-2", says("echo |", "syntax error", 2));
    T_CHECK(P, "syntax-error-names-token", says("ls ;; ls", "syntax error near `;'", 2));
    T_CHECK(P, "unterminated-quote", says("echo 'abc", "unterminated single quote", 2));
    T_CHECK(P, "missing-redirect-file", says("echo >", "missing file name", 2));
    T_CHECK(P, "builtin-in-pipeline-refused", says("cd / | cat", "builtin", 1));
    T_CHECK(P, "broken-program-126", says("/t/elf-truncated", "cannot run", 126));
    T_CHECK(P, "text-file-runs-as-script", says("/etc/motd", "Welcome: command not found", 127));
}

static void test_scripts(void)
{
    int ok = write_file("/tmp/t_sh.script",
                        "# a script\necho line1\nfalse\necho status $?\n"
                        "echo piped | wc -c\nexit 3\necho never\n") == 0;
    T_CHECK(P, "script-file", ok && gives("sh /tmp/t_sh.script", "line1\nstatus 1\n6\n", 3));
    T_CHECK(P, "script-run-directly", ok && gives("/tmp/t_sh.script", "line1\nstatus 1\n6\n", 3));
    T_CHECK(P, "script-missing", says("sh /no/such.sh", "/no/such.sh", 127));
    ok = write_file("/tmp/t_sh.nolf", "echo last") == 0;
    T_CHECK(P, "script-last-line-without-newline", ok && gives("sh /tmp/t_sh.nolf", "last\n", 0));
    T_CHECK(P, "dash-c-several-lines", gives("echo a\necho b", "a\nb\n", 0));
    T_CHECK(P, "commands-from-a-pipe", gives("echo 'echo from-stdin; false' | sh; echo $?",
                                             "from-stdin\n1\n", 0));
}

static void test_programs(void)
{
    T_CHECK(P, "ls-lists-bin", says("ls /bin", "sh\n", 0));
    T_CHECK(P, "ls-l-marks-dirs", says("ls -l /", "d ", 0));
    T_CHECK(P, "mkdir-rm", gives("mkdir /tmp/t_sh.d && ls /tmp | grep -c t_sh.d && "
                                 "rm /tmp/t_sh.d && ls /tmp | grep -c t_sh.d", "1\n0\n", 1));
    T_CHECK(P, "mkdir-p-rm-r", gives("mkdir -p /tmp/t_sh.d/x/y && echo f > /tmp/t_sh.d/x/f && "
                                     "rm -r /tmp/t_sh.d && ls /tmp | grep -c t_sh.d", "0\n", 1));
    T_CHECK(P, "cp-and-mv",
            gives("echo data > /tmp/t_sh.c1; cp /tmp/t_sh.c1 /tmp/t_sh.c2; "
                  "mv /tmp/t_sh.c2 /tmp/t_sh.c3; cat /tmp/t_sh.c3; ls /tmp | grep -c t_sh.c2",
                  "data\n0\n", 1));
    T_CHECK(P, "hexdump", gives("echo hi | hexdump",
                                "00000000  68 69 0a                                          "
                                "|hi.|\n00000003\n", 0));
    T_CHECK(P, "grep-count-invert", gives("cat /tmp/t_sh.script | grep -c -v echo", "3\n", 0));
    T_CHECK(P, "ps-shows-itself", says("ps", "ps", 0));
    T_CHECK(P, "kill-background-job", gives("sleep 10 & kill $!; wait $!; echo $?", "143\n", 0));
    T_CHECK(P, "kill-job-by-number", gives("sleep 10 | sleep 10 & kill -9 %1; wait %1; echo $?",
                                           "137\n", 0));
    T_CHECK(P, "date-format", sh("date") == 0 && strlen(out) == 24 && strstr(out, " UTC\n"));
    T_CHECK(P, "uptime", says("uptime", "up ", 0));
    T_CHECK(P, "free", says("free", "memory", 0));
    T_CHECK(P, "sysinfo", says("sysinfo", "memory:", 0));
    T_CHECK(P, "sysinfo-firmware-and-cpus", says("sysinfo", "firmware: ", 0) &&
                                            says("sysinfo", "cpus: ", 0));
    T_CHECK(P, "true-false", gives("true && false", "", 1));
    sh("rm -r -f /tmp/t_sh.a /tmp/t_sh.e /tmp/t_sh.p /tmp/t_sh.r /tmp/t_sh.c1 /tmp/t_sh.c3 "
       "/tmp/t_sh.script /tmp/t_sh.nolf /tmp/t_sh.d");
}

int main(void)
{
    test_basics();
    test_and_or();
    test_pipelines();
    test_redirections();
    test_jobs();
    test_builtins();
    test_errors();
    test_scripts();
    test_programs();
    return t_failures ? 1 : 0;
}
