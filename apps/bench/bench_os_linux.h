/*
 * bench_os_linux.h - bench_os.h on Linux (static glibc), for the comparison run in which
 * the benchmark is the initramfs's /init. Calls go the way a normal Linux program makes
 * them: glibc wrappers (vDSO clock_gettime, posix_spawn, pthreads) and raw futex(2).
 * As PID 1 the program must never exit: bos_finish powers the machine off instead.
 */
#ifndef APPS_BENCH_BENCH_OS_LINUX_H
#define APPS_BENCH_BENCH_OS_LINUX_H

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BOS_NAME      "linux"
#define BOS_SELF_PATH "/init"
#define BOS_NOP_PATH  "/bench_nop"

extern char **environ;

static inline int bos_err(void)
{
    return -errno;
}

static inline uint64_t bos_clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static inline uint64_t bos_now_ns(void) { return bos_clock_ns(CLOCK_MONOTONIC); }
static inline uint64_t bos_boot_ns(void) { return bos_clock_ns(CLOCK_BOOTTIME); }
static inline long bos_getpid(void) { return (long)getpid(); } /* glibc >= 2.25 does not cache it */
static inline long bos_yield(void) { return sched_yield() < 0 ? bos_err() : 0; }

/* The affinity mask, not sysconf: as /init with no /sys mounted, glibc's
 * _SC_NPROCESSORS_ONLN cannot read /sys/devices/system/cpu/online and says 1. Read once,
 * before any pinning narrows the mask (main prints it first thing). */
static inline int bos_cpu_count(void)
{
    static int count;
    if (count)
        return count;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0) {
        count = CPU_COUNT(&set);
    } else {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        count = n > 0 ? (int)n : 1;
    }
    return count;
}

static inline int bos_pin_cpu(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof(set), &set) < 0 ? bos_err() : 0;
}

typedef struct {
    bos_thread_fn_t fn;
    void *arg;
} bos_thread_start_t;

static void *bos_thread_trampoline(void *p)
{
    bos_thread_start_t s = *(bos_thread_start_t *)p;
    free(p);
    s.fn(s.arg);
    return NULL;
}

static inline int bos_thread_start(bos_thread_fn_t fn, void *arg)
{
    bos_thread_start_t *s = malloc(sizeof(*s));
    if (!s)
        return -ENOMEM;
    s->fn = fn;
    s->arg = arg;
    pthread_t t;
    int r = pthread_create(&t, NULL, bos_thread_trampoline, s);
    if (r != 0) {
        free(s);
        return -r;
    }
    pthread_detach(t);
    return 0;
}

static inline int bos_futex_wait(uint32_t *w, uint32_t expected)
{
    long r = syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
    return r < 0 ? bos_err() : 0;
}

static inline int bos_futex_wake(uint32_t *w, int n)
{
    long r = syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
    return r < 0 ? bos_err() : (int)r;
}

static inline void *bos_mmap(size_t len, int *err)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        *err = bos_err();
        return NULL;
    }
    *err = 0;
    return p;
}

static inline int bos_munmap(void *p, size_t len)
{
    return munmap(p, len) < 0 ? bos_err() : 0;
}

static inline int bos_spawn_wait(const char *path)
{
    char *const argv[] = { (char *)path, NULL };
    pid_t pid;
    int r = posix_spawn(&pid, path, NULL, NULL, argv, environ);
    if (r != 0)
        return -r;
    int status;
    if (waitpid(pid, &status, 0) < 0)
        return bos_err();
    return WIFEXITED(status) ? WEXITSTATUS(status) : 0x100 | WTERMSIG(status);
}

static inline int bos_open(const char *path)
{
    int fd = open(path, O_RDONLY);
    return fd < 0 ? bos_err() : fd;
}

static inline int bos_close(int fd) { return close(fd) < 0 ? bos_err() : 0; }

static inline long bos_read(int fd, void *buf, size_t n)
{
    ssize_t r = read(fd, buf, n);
    return r < 0 ? bos_err() : (long)r;
}

static inline long bos_write(int fd, const void *buf, size_t n)
{
    ssize_t r = write(fd, buf, n);
    return r < 0 ? bos_err() : (long)r;
}

static inline int bos_pipe(int fds[2]) { return pipe(fds) < 0 ? bos_err() : 0; }

static inline void bos_print(const char *line)
{
    size_t n = strlen(line);
    while (n > 0) {
        ssize_t w = write(1, line, n);
        if (w <= 0)
            return;
        line += w;
        n -= (size_t)w;
    }
}

/* As /init (PID 1) an exit would panic the kernel; anywhere else just exit. */
static inline _Noreturn void bos_finish(int status)
{
    if (getpid() == 1) {
        sync();
        reboot(RB_POWER_OFF);
    }
    exit(status);
}

#endif
