/*
 * bench_os.h - the few operating-system services the benchmarks use, behind one small
 * interface so the same bench.c builds against Spindle's runtime and against Linux (host gcc
 * -static, glibc). The Linux build defines BENCH_LINUX.
 *
 * Contract: every call that can fail returns a negative errno value (-ENOSYS when the
 * system does not offer the service yet) and never prints; 0 or a positive value is success.
 * Both backends define every function below as static inline, so the measured path is the
 * system call plus the thinnest wrapper each system's own C library would use.
 */
#ifndef APPS_BENCH_BENCH_OS_H
#define APPS_BENCH_BENCH_OS_H

/* glibc reads this at its first header: before stddef.h/stdint.h pull features.h in. */
#if defined(BENCH_LINUX) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif

#include <stddef.h>
#include <stdint.h>

typedef void (*bos_thread_fn_t)(void *arg);

static inline uint64_t bos_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

#ifdef BENCH_LINUX
#include "bench_os_linux.h"
#else
#include "bench_os_spindle.h"
#endif

/*
 * Each backend provides:
 *   BOS_NAME, BOS_SELF_PATH (a readable file of at least 4 KiB), BOS_NOP_PATH (tiny program)
 *   uint64_t bos_now_ns(void)            monotonic clock
 *   uint64_t bos_boot_ns(void)           the kernel's own time since it started its clock
 *   long bos_getpid(void), bos_yield(void)
 *   int  bos_cpu_count(void)
 *   int  bos_pin_cpu(int cpu)            -ENOSYS where there is no affinity call
 *   int  bos_thread_start(fn, arg)       detached thread; fn returning ends it
 *   int  bos_futex_wait(uint32_t *w, uint32_t expected), bos_futex_wake(uint32_t *w, int n)
 *   void *bos_mmap(size_t len, int *err), int bos_munmap(void *p, size_t len)
 *   int  bos_spawn_wait(const char *path) exit status of the child
 *   int  bos_open(path), bos_close(fd), long bos_read(fd, buf, n), bos_write(fd, buf, n)
 *   int  bos_pipe(int fds[2])
 *   void bos_print(const char *line)     one line to the console, flushed
 *   _Noreturn void bos_finish(int status)  ends the run (Linux /init powers the machine off)
 */

#endif
