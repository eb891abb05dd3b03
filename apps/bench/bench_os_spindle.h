/*
 * bench_os_spindle.h - bench_os.h on Spindle: the raw sys_* stubs generated from
 * syscalls.spec (errors read back with sys_errno), plus the runtime's spawn/waitpid.
 * Threads get a trampoline that calls thread_exit when the function returns, because a
 * Spindle thread has no return address to fall back to.
 */
#ifndef APPS_BENCH_BENCH_OS_SPINDLE_H
#define APPS_BENCH_BENCH_OS_SPINDLE_H

#include <errno.h>
#include <spindle.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define BOS_NAME      "spindle"
#define BOS_SELF_PATH "/bin/bench"
#define BOS_NOP_PATH  "/bin/bench_nop"
#define BOS_MAX_THREADS 4

static inline int bos_err(void)
{
    return -(int)sys_errno();
}

static inline uint64_t bos_now_ns(void) { return sys_uptime(); }
/* Spindle's uptime counts from clock_init, a few ms after kernel entry (the kernel's own
 * "boot: ready in N ms" line counts from kernel entry). */
static inline uint64_t bos_boot_ns(void) { return sys_uptime(); }
static inline long bos_getpid(void) { return (long)sys_getpid(); }
static inline long bos_yield(void) { return sys_yield() == ERR ? bos_err() : 0; }
static inline int bos_cpu_count(void) { return cpus_online(); }
static inline int bos_pin_cpu(int cpu) { return setaffinity(0, cpu) < 0 ? -errno : 0; }

typedef struct {
    bos_thread_fn_t fn;
    void *arg;
} bos_thread_start_t;

static bos_thread_start_t bos_threads[BOS_MAX_THREADS];

static void bos_thread_trampoline(bos_thread_start_t *start)
{
    start->fn(start->arg);
    start->fn = NULL; /* slot free again */
    sys_thread_exit();
}

static inline int bos_thread_start(bos_thread_fn_t fn, void *arg)
{
    for (int i = 0; i < BOS_MAX_THREADS; i++) {
        bos_thread_start_t *s = &bos_threads[i];
        if (s->fn)
            continue;
        s->fn = fn;
        s->arg = arg;
        if (sys_thread_create((void *)bos_thread_trampoline, s, NULL) == ERR) {
            int e = bos_err();
            s->fn = NULL;
            return e;
        }
        return 0;
    }
    return -EAGAIN;
}

static inline int bos_futex_wait(uint32_t *w, uint32_t expected)
{
    return sys_futex(w, FUTEX_WAIT, expected, CLOCK_NEVER) == ERR ? bos_err() : 0;
}

static inline int bos_futex_wake(uint32_t *w, int n)
{
    uint64_t r = sys_futex(w, FUTEX_WAKE, (uint64_t)n, CLOCK_NEVER);
    return r == ERR ? bos_err() : (int)r;
}

static inline void *bos_mmap(size_t len, int *err)
{
    void *p = sys_mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                       (uint64_t)-1, 0);
    /* The ABI says NULL on failure; the kernel's ENOSYS path answers ERR: accept both. */
    if (!p || p == (void *)ERR) {
        *err = bos_err();
        return NULL;
    }
    *err = 0;
    return p;
}

static inline int bos_munmap(void *p, size_t len)
{
    return sys_munmap(p, len) == ERR ? bos_err() : 0;
}

static inline int bos_spawn_wait(const char *path)
{
    const char *const argv[] = { path, NULL };
    uint64_t pid = sys_spawn(argv, NULL, NULL, 0);
    if (pid == ERR)
        return bos_err();
    int32_t status = 0;
    if (sys_wait(pid, &status, 0) == ERR)
        return bos_err();
    return status;
}

static inline int bos_open(const char *path)
{
    uint64_t fd = sys_open(path, O_RDONLY);
    return fd == ERR ? bos_err() : (int)fd;
}

static inline int bos_close(int fd)
{
    return sys_close((uint64_t)fd) == ERR ? bos_err() : 0;
}

static inline long bos_read(int fd, void *buf, size_t n)
{
    uint64_t r = sys_read((uint64_t)fd, buf, n);
    return r == ERR ? bos_err() : (long)r;
}

static inline long bos_write(int fd, const void *buf, size_t n)
{
    uint64_t r = sys_write((uint64_t)fd, buf, n);
    return r == ERR ? bos_err() : (long)r;
}

static inline int bos_pipe(int fds[2])
{
    fd_pair_t pair;
    if (sys_open2("/dev/pipe/new", &pair) == ERR)
        return bos_err();
    fds[0] = pair.fd[0];
    fds[1] = pair.fd[1];
    return 0;
}

static inline void bos_print(const char *line)
{
    size_t n = strlen(line);
    while (n > 0) {
        uint64_t w = sys_write(1, line, n);
        if (w == ERR || w == 0)
            return;
        line += w;
        n -= w;
    }
}

static inline _Noreturn void bos_finish(int status)
{
    exit(status);
}

#endif
