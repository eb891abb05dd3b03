/*
 * t_check.h - shared by the t_*.c test programs of the process/syscall issue: one line per
 * case ("ok user.PROG.CASE" / "FAIL user.PROG.CASE: why"), collected from the serial log by
 * the test runner, and a raw syscall so tests can pass any number or register value.
 * A program exits 1 when any case failed.
 */
#ifndef T_CHECK_H
#define T_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <spindle.h>
#include <spindle/abi.h>
#include <spindle/errno.h>
#include <spindle/limits.h>
#include <spindle/syscall_nums.h>
#include <spindle/syscall_stubs.h>

static int t_failures __attribute__((unused));

#define T_CHECK(prog, name, cond) \
    do { \
        if (cond) { \
            printf("ok user." prog "." name "\n"); \
        } else { \
            printf("FAIL user." prog "." name ": %s (line %d)\n", #cond, __LINE__); \
            t_failures++; \
        } \
    } while (0)

/* A case that cannot run on this machine (counted as skipped, never as passed). */
#define T_SKIP(prog, name, why) printf("skip user." prog "." name ": %s\n", (why))

/* Online CPUs (apps/lib: /proc/system's "cpus_online:" line). */
static __attribute__((unused)) unsigned t_cpus_online(void)
{
    return (unsigned)cpus_online();
}

/* A page that was mapped and is not any more: every copy into it faults (NULL if no map). */
static __attribute__((unused)) void *t_unmapped_page(void)
{
    void *m = sys_mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                       (uint64_t)-1, 0);
    if (m)
        sys_munmap(m, 4096);
    return m;
}

/* The call failed the documented way: ERR and this code in errno. */
#define T_FAILS_WITH(r, code) ((r) == ERR && sys_errno() == (uint64_t)(code))

static inline uint64_t t_syscall(uint64_t n, uint64_t a0, uint64_t a1, uint64_t a2,
                                 uint64_t a3, uint64_t a4, uint64_t a5)
{
    register uint64_t r10 __asm__("r10") = a3;
    register uint64_t r8 __asm__("r8") = a4;
    register uint64_t r9 __asm__("r9") = a5;
    uint64_t ret;
    __asm__ volatile("syscall"
                     : "=a"(ret), "+D"(a0), "+S"(a1), "+d"(a2), "+r"(r10), "+r"(r8), "+r"(r9)
                     : "a"(n)
                     : "rcx", "r11", "memory");
    return ret;
}

#define T_KERNEL_ADDR ((const void *)0xFFFFFFFF80000000ULL)
#define T_USER_END    SPINDLE_USER_ADDR_END
#define T_FAULT_BASE  128 /* a child killed by CPU exception v ends with KILLED | (128 + v) */

/* Runs argv to completion; returns its status word, or -1 when spawn or wait failed. */
static __attribute__((unused)) int64_t t_run(const char *const *argv)
{
    uint64_t pid = sys_spawn(argv, NULL, NULL, 0);
    if (pid == ERR)
        return -1;
    int32_t status = -1;
    if (sys_wait(pid, &status, 0) != pid)
        return -1;
    return status;
}

/* t_run of { a0, a1 } (a1 may be NULL). */
static __attribute__((unused)) int64_t t_run1(const char *a0, const char *a1)
{
    const char *argv[] = { a0, a1, NULL };
    return t_run(argv);
}

#endif
