/*
 * t_pipe - pipes and descriptor passing: EOF when writers close, EPIPE (no hang) when
 * readers close, non-blocking behaviour, poll with and without a timeout, a 1 MiB transfer
 * between two processes checked by checksum, a reader killed while blocked, a child's
 * stdout redirected into a pipe, share/claim of a descriptor between processes, and no
 * byte lost when a read's copy into user memory faults.
 * Child roles: t_pipe writer (1 MiB pattern to fd 1), t_pipe block (reads fd 0 forever),
 * t_pipe claim KEY (claims KEY and writes "claimed" to it), t_pipe fd1-closed (0 when fd 1
 * is not open).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <spindle.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "t_check.h"

#define P "t_pipe"
#define MIB (1 << 20)

static uint64_t pattern_hash(uint8_t *buf, size_t n, size_t at, uint64_t h)
{
    for (size_t i = 0; i < n; i++) {
        buf[i] = (uint8_t)((at + i) * 131 + ((at + i) >> 9));
        h = (h ^ buf[i]) * 0x100000001b3ULL;
    }
    return h;
}

static int role_writer(void)
{
    static uint8_t buf[8192];
    for (size_t at = 0; at < MIB; at += sizeof buf) {
        pattern_hash(buf, sizeof buf, at, 0);
        if (write(1, buf, sizeof buf) != (long)sizeof buf)
            return 2;
    }
    return 0;
}

static int role_block(void)
{
    char c;
    read(0, &c, 1);
    return 3; /* must not be reached: the parent kills us while we wait */
}

static int role_claim(const char *key)
{
    int fd = fd_claim(key);
    if (fd < 0)
        return 4;
    return write(fd, "claimed", 7) == 7 ? 0 : 5;
}

static int fails(long r, int code)
{
    return r == -1 && errno == code;
}

static void test_basic(void)
{
    int p[2];
    char buf[16];
    T_CHECK(P, "pipe", pipe(p) == 0);
    T_CHECK(P, "write-read", write(p[1], "abc", 3) == 3 && read(p[0], buf, 16) == 3 &&
            memcmp(buf, "abc", 3) == 0);
    T_CHECK(P, "read-end-not-writable-ebadf", fails(write(p[0], "x", 1), EBADF));
    T_CHECK(P, "seek-espipe", fails(lseek(p[0], 0, SEEK_SET), ESPIPE));
    write(p[1], "xy", 2);
    close(p[1]);
    T_CHECK(P, "data-before-eof", read(p[0], buf, 16) == 2);
    T_CHECK(P, "eof-after-writers-close", read(p[0], buf, 16) == 0);
    close(p[0]);
    pipe(p);
    close(p[0]);
    T_CHECK(P, "epipe-after-readers-close", fails(write(p[1], "x", 1), EPIPE));
    close(p[1]);
    T_CHECK(P, "open2-non-pipe-einval",
            sys_open2("/etc/motd", (fd_pair_t *)buf) == ERR && sys_errno() == EINVAL);
    T_CHECK(P, "open2-missing-enoent",
            sys_open2("/dev/nope", (fd_pair_t *)buf) == ERR && sys_errno() == ENOENT);
}

/* Issue 17: a read into an unmapped buffer consumed the bytes (the next read got EAGAIN). */
static void test_read_fault_keeps_data(void)
{
    int p[2];
    char buf[16];
    void *bad = t_unmapped_page();
    if (!bad || pipe(p) != 0) {
        T_CHECK(P, "pipe-read-fault-keeps-data", 0);
        return;
    }
    uint32_t on = 1;
    sys_ioctl((uint64_t)p[0], IOCTL_NONBLOCK, &on, sizeof on);
    write(p[1], "hello", 5);
    int faulted = fails(read(p[0], bad, 5), EFAULT);
    T_CHECK(P, "pipe-read-fault-keeps-data",
            faulted && read(p[0], buf, sizeof buf) == 5 && memcmp(buf, "hello", 5) == 0);
    T_CHECK(P, "pipe-read-fault-then-empty-eagain", fails(read(p[0], buf, 1), EAGAIN));
    close(p[0]);
    close(p[1]);
}

static void test_nonblock_and_poll(void)
{
    int p[2];
    static char big[70000];
    pipe(p);
    fd_set_nonblock(p[0], 1);
    fd_set_nonblock(p[1], 1);
    char c;
    T_CHECK(P, "nonblock-empty-read-eagain", fails(read(p[0], &c, 1), EAGAIN));
    long w = write(p[1], big, sizeof big);
    T_CHECK(P, "nonblock-partial-write", w > 0 && w < (long)sizeof big);
    T_CHECK(P, "nonblock-full-write-eagain", fails(write(p[1], big, 10), EAGAIN));
    struct pollfd pf[2] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 } };
    T_CHECK(P, "poll-readable-full", poll(pf, 2, 0) == 1 && pf[0].revents == POLLIN &&
            pf[1].revents == 0);
    uint64_t n = 0;
    T_CHECK(P, "fionread", sys_ioctl(p[0], IOCTL_FIONREAD, &n, sizeof n) == 0 && n == (uint64_t)w);
    while (read(p[0], big, sizeof big) > 0)
        ;
    uint64_t t0 = uptime_ns();
    int r = poll(pf, 1, 50);
    uint64_t dt = uptime_ns() - t0;
    T_CHECK(P, "poll-timeout-empty", r == 0 && pf[0].revents == 0);
    T_CHECK(P, "poll-timeout-waits", dt >= 50000000ULL && dt < 2000000000ULL);
    T_CHECK(P, "poll-writable", poll(pf + 1, 1, 0) == 1 && pf[1].revents == POLLOUT);
    close(p[1]);
    T_CHECK(P, "poll-hup-after-close", poll(pf, 1, -1) == 1 && (pf[0].revents & POLLHUP));
    struct pollfd bad = { 60, POLLIN, 0 };
    T_CHECK(P, "poll-bad-fd-pollerr", poll(&bad, 1, 0) == 1 && bad.revents == POLLERR);
    T_CHECK(P, "poll-too-many-einval",
            sys_poll(pf, 100000, 0) == ERR && sys_errno() == EINVAL);
    close(p[0]);
}

static void test_two_processes(void)
{
    int p[2];
    pipe(p);
    const char *argv[] = { "/bin/t_pipe", "writer", NULL };
    spawn_fd_t fds[] = { { 1, p[1] }, { 2, 2 }, { SPAWN_FD_END, 0 } };
    pid_t pid = spawn(argv, fds, NULL, SPAWN_EMPTY_FDS);
    close(p[1]);
    static uint8_t buf[5000], want[5000];
    uint64_t h = 0xcbf29ce484222325ULL, hw = h;
    size_t total = 0;
    long n;
    while ((n = read(p[0], buf, sizeof buf)) > 0) {
        for (long i = 0; i < n; i++)
            h = (h ^ buf[i]) * 0x100000001b3ULL;
        total += (size_t)n;
    }
    for (size_t at = 0; at < MIB; at += sizeof want)
        hw = pattern_hash(want, MIB - at < sizeof want ? MIB - at : sizeof want, at, hw);
    int status = -1;
    T_CHECK(P, "1mib-between-processes", pid > 0 && total == MIB && h == hw);
    T_CHECK(P, "writer-exits-0", waitpid(pid, &status, 0) == pid && status == 0);
    close(p[0]);
}

static void *thread_writer(void *arg)
{
    int fd = *(int *)arg;
    static uint8_t buf[4096];
    for (size_t at = 0; at < 256 * 1024; at += sizeof buf) {
        pattern_hash(buf, sizeof buf, at, 0);
        if (write(fd, buf, sizeof buf) != (long)sizeof buf)
            return (void *)1;
    }
    close(fd);
    return NULL;
}

static void test_between_threads(void)
{
    int p[2];
    pipe(p);
    pthread_t t;
    int ok = pthread_create(&t, NULL, thread_writer, &p[1]) == 0;
    static uint8_t buf[3000], want[3000];
    uint64_t h = 0xcbf29ce484222325ULL, hw = h;
    size_t total = 0;
    long n;
    while (ok && (n = read(p[0], buf, sizeof buf)) > 0) {
        for (long i = 0; i < n; i++)
            h = (h ^ buf[i]) * 0x100000001b3ULL;
        total += (size_t)n;
    }
    for (size_t at = 0; at < 256 * 1024; at += sizeof want)
        hw = pattern_hash(want, 256 * 1024 - at < sizeof want ? 256 * 1024 - at : sizeof want,
                          at, hw);
    void *res = (void *)1;
    T_CHECK(P, "256kib-between-threads", ok && pthread_join(t, &res) == 0 && res == NULL &&
            total == 256 * 1024 && h == hw);
    close(p[0]);
}

static void test_kill_blocked_reader(void)
{
    int p[2];
    pipe(p);
    const char *argv[] = { "/bin/t_pipe", "block", NULL };
    spawn_fd_t fds[] = { { 0, p[0] }, { SPAWN_FD_END, 0 } };
    pid_t pid = spawn(argv, fds, NULL, 0);
    sleep_ns(20000000);
    int status = 0;
    T_CHECK(P, "blocked-reader-killed", pid > 0 && kill(pid, KILL_TERM) == 0 &&
            waitpid(pid, &status, 0) == pid && status == (WAIT_STATUS_KILLED | KILL_TERM));
    close(p[0]);
    close(p[1]);
}

static void test_redirect_cat(void)
{
    int p[2];
    pipe(p);
    const char *argv[] = { "/bin/cat", "/etc/motd", NULL };
    spawn_fd_t fds[] = { { 1, p[1] }, { SPAWN_FD_END, 0 } };
    pid_t pid = spawn(argv, fds, NULL, 0);
    close(p[1]);
    char buf[64] = { 0 };
    long n = 0, r;
    while ((r = read(p[0], buf + n, sizeof buf - 1 - (size_t)n)) > 0)
        n += r;
    int status = -1;
    waitpid(pid, &status, 0);
    T_CHECK(P, "cat-stdout-into-pipe", n > 0 && strncmp(buf, "Welcome to Spindle", 18) == 0 &&
            status == 0);
    close(p[0]);
}

static void test_share_claim(void)
{
    int p[2];
    pipe(p);
    char key[40];
    T_CHECK(P, "share", fd_share(p[1], key, sizeof key, CLOCK_NEVER) == 0 && strlen(key) == 32);
    close(p[1]); /* the offer holds the write end */
    const char *argv[] = { "/bin/t_pipe", "claim", key, NULL };
    pid_t pid = spawn(argv, NULL, NULL, 0);
    char buf[16] = { 0 };
    int status = -1;
    long n = read(p[0], buf, sizeof buf);
    waitpid(pid, &status, 0);
    T_CHECK(P, "claimed-in-other-process", status == 0 && n == 7 && !memcmp(buf, "claimed", 7));
    T_CHECK(P, "writer-gone-after-claimer-exits", read(p[0], buf, sizeof buf) == 0);
    T_CHECK(P, "claim-twice-enoent", fails(fd_claim(key), ENOENT));
    T_CHECK(P, "claim-bogus-enoent", fails(fd_claim("0123"), ENOENT));
    T_CHECK(P, "share-small-key-einval", fails(fd_share(p[0], key, 8, CLOCK_NEVER), EINVAL));
    T_CHECK(P, "share-bad-fd-ebadf", fails(fd_share(50, key, sizeof key, CLOCK_NEVER), EBADF));
    T_CHECK(P, "share-with-timeout", fd_share(p[0], key, sizeof key, 1000000) == 0);
    sleep_ns(30000000);
    T_CHECK(P, "expired-key-enoent", fails(fd_claim(key), ENOENT));
    fd_share(p[0], key, sizeof key, CLOCK_NEVER);
    int fd = fd_claim(key);
    T_CHECK(P, "claim-in-same-process", fd >= 0 && fd != p[0]);
    close(fd);
    close(p[0]);
}

static void test_clospawn(void)
{
    int fd = open("/etc/motd", O_RDONLY | O_CLOSPAWN);
    int saved = dup(1);
    dup2(fd, 1); /* a plain dup2 clears close-on-spawn on fd 1 */
    fd_set_clospawn(1, 1);
    const char *argv[] = { "/bin/t_pipe", "fd1-closed", NULL };
    pid_t pid = spawn(argv, NULL, NULL, 0);
    dup2(saved, 1);
    close(saved);
    close(fd);
    int status = -1;
    T_CHECK(P, "clospawn-fd-not-inherited", pid > 0 && waitpid(pid, &status, 0) == pid &&
            status == 0);
    T_CHECK(P, "clospawn-bad-fd-ebadf", fails(fd_set_clospawn(50, 1), EBADF));
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "writer") == 0)
        return role_writer();
    if (argc > 1 && strcmp(argv[1], "block") == 0)
        return role_block();
    if (argc > 1 && strcmp(argv[1], "fd1-closed") == 0)
        return write(1, "x", 1) == -1 && errno == EBADF ? 0 : 6;
    if (argc > 2 && strcmp(argv[1], "claim") == 0)
        return role_claim(argv[2]);
    test_basic();
    test_read_fault_keeps_data();
    test_nonblock_and_poll();
    test_two_processes();
    test_between_threads();
    test_kill_blocked_reader();
    test_redirect_cat();
    test_share_claim();
    test_clospawn();
    return t_failures ? 1 : 0;
}
