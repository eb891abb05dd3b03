/*
 * main.c - /bin/sh: options and the read-eval loop.
 *
 *   sh                 interactive on the console (line editing, history, job reports);
 *                      reads commands without a prompt when stdin is a file or a pipe
 *   sh -c "LINE"       runs LINE (which may hold several lines) and exits with its status
 *   sh FILE            runs the script FILE line by line
 * The exit status is that of `exit N`, else of the last command run.
 *
 * On the console the shell switches it to raw mode (IOCTL_CONSOLE_RAW) only while it reads
 * a line, and back to line mode while a command runs, so programs that read the console
 * (cat, a test reading input) get the kernel's own line editing and echo.
 */
#include <errno.h>
#include <fcntl.h>
#include <spindle.h>
#include <string.h>
#include <unistd.h>
#include "edit.h"
#include "sh.h"

#define SH_READ_CHUNK 4096

typedef struct {
    int fd;
    size_t start, len;
    char buf[SH_READ_CHUNK];
} line_reader_t;

static sh_t shell;
static sh_edit_t editor;
static line_reader_t reader;

/* Next line from r into out (without '\n'): 1, or 0 at end of input. An overlong line is
 * reported and skipped. */
static int reader_next(line_reader_t *r, char *out, size_t size)
{
    size_t n = 0;
    int overlong = 0;
    for (;;) {
        if (r->start == r->len) {
            ssize_t got = read(r->fd, r->buf, sizeof r->buf);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                if (n == 0 && !overlong)
                    return 0;
                break; /* a last line without '\n' */
            }
            r->start = 0;
            r->len = (size_t)got;
        }
        char c = r->buf[r->start++];
        if (c == '\n')
            break;
        if (n + 1 < size)
            out[n++] = c;
        else
            overlong = 1;
    }
    out[n] = '\0';
    if (overlong) {
        sh_error("line longer than %zu bytes skipped", size - 1);
        out[0] = '\0';
    }
    return 1;
}

/* Runs every line of r until its end or `exit`. */
static void run_reader(sh_t *sh, line_reader_t *r, int prompt)
{
    static char line[SH_EDIT_MAX];
    for (;;) {
        if (prompt) {
            sh_jobs_reap(sh);
            sh_fdprintf(1, "spindle:%s$ ", sh->cwd);
        }
        if (!reader_next(r, line, sizeof line) || sh->exit_requested)
            return;
        sh_run_line(sh, line);
        if (sh->exit_requested)
            return;
    }
}

/* -c TEXT: each line of TEXT in turn. */
static void run_text(sh_t *sh, const char *text)
{
    static char line[SH_TEXT_MAX];
    while (*text && !sh->exit_requested) {
        size_t n = strcspn(text, "\n");
        if (n >= sizeof line) {
            sh_error("line longer than %zu bytes skipped", sizeof line - 1);
        } else {
            memcpy(line, text, n);
            line[n] = '\0';
            sh_run_line(sh, line);
        }
        text += n + (text[n] == '\n');
    }
}

static int run_file(sh_t *sh, const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        sh_error("%s: %s", path, strerror(errno));
        return SH_STATUS_NOT_FOUND;
    }
    reader.fd = fd;
    run_reader(sh, &reader, 0);
    close(fd);
    return 0;
}

/* ------------------------------------------------------------------ the console */

static int console_set_raw(int on)
{
    uint32_t v = (uint32_t)on;
    return sys_ioctl(0, IOCTL_CONSOLE_RAW, &v, sizeof v) == 0 ? 0 : -1;
}

static int fd_is_device(int fd)
{
    stat_t st;
    return sys_ioctl((uint64_t)fd, IOCTL_STAT, &st, sizeof st) == 0 && st.type == STAT_DEV;
}

/* Editor output is collected and written once per batch of keys. */
typedef struct {
    char buf[2048];
    size_t len;
} outbuf_t;

static void outbuf_flush(outbuf_t *o)
{
    size_t done = 0;
    while (done < o->len) {
        ssize_t w = write(1, o->buf + done, o->len - done);
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    o->len = 0;
}

static void outbuf_put(void *ctx, const char *s, size_t n)
{
    outbuf_t *o = ctx;
    while (n) {
        if (o->len == sizeof o->buf)
            outbuf_flush(o);
        size_t k = sizeof o->buf - o->len < n ? sizeof o->buf - o->len : n;
        memcpy(o->buf + o->len, s, k);
        o->len += k;
        s += k;
        n -= k;
    }
}

/* Reads one edited line in raw mode; 1 with the line in editor.buf, 0 at end of input.
 * Keys typed past the end of a line stay in `pending` for the next one. */
static int console_read_line(sh_t *sh, outbuf_t *o)
{
    static char pending[256];
    static size_t pending_start, pending_len;
    sh_edit_begin(&editor);
    sh_fdprintf(1, "spindle:%s$ ", sh->cwd);
    for (;;) {
        if (pending_start == pending_len) {
            ssize_t got = read(0, pending, sizeof pending);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                return 0;
            pending_start = 0;
            pending_len = (size_t)got;
        }
        sh_edit_result_t r = SH_EDIT_MORE;
        while (pending_start < pending_len && r == SH_EDIT_MORE)
            r = sh_edit_feed(&editor, pending[pending_start++]);
        outbuf_flush(o);
        if (r == SH_EDIT_LINE)
            return 1;
        if (r == SH_EDIT_EOF) {
            sh_fdprintf(1, "exit\n");
            return 0;
        }
        if (r == SH_EDIT_INTERRUPT) {
            sh_jobs_reap(sh);
            sh_edit_begin(&editor);
            sh_fdprintf(1, "spindle:%s$ ", sh->cwd);
        }
    }
}

static void run_console(sh_t *sh)
{
    static outbuf_t out;
    sh_edit_init(&editor, outbuf_put, &out);
    sh_fdprintf(1, "Spindle shell: `help` lists what it understands, `ls /bin` the programs.\n");
    for (;;) {
        sh_jobs_reap(sh);
        if (console_set_raw(1) < 0) {
            sh_error("the console has no raw mode: reading plain lines");
            run_reader(sh, &reader, 1);
            return;
        }
        int got = console_read_line(sh, &out);
        console_set_raw(0);
        if (!got)
            return;
        sh_edit_history_add(&editor, editor.buf);
        sh_run_line(sh, editor.buf);
        if (sh->exit_requested)
            return;
    }
}

int main(int argc, char **argv)
{
    sh_t *sh = &shell;
    memcpy(sh->cwd, "/", 2);
    reader.fd = 0;
    if (argc >= 2 && strcmp(argv[1], "-c") == 0) {
        if (argc < 3) {
            sh_error("-c: a command line is required");
            return SH_STATUS_SYNTAX;
        }
        run_text(sh, argv[2]);
    } else if (argc >= 2 && argv[1][0] == '-' && argv[1][1] != '\0') {
        sh_error("unknown option %s (usage: sh [-c LINE | FILE])", argv[1]);
        return SH_STATUS_SYNTAX;
    } else if (argc >= 2) {
        int r = run_file(sh, argv[1]);
        if (r)
            return r;
    } else if (fd_is_device(0)) {
        sh->interactive = 1;
        run_console(sh);
    } else {
        run_reader(sh, &reader, 0);
    }
    return sh->exit_requested ? sh->exit_status : sh->last_status;
}
