/*
 * linux_time.c - Linux clocks and sleeps: clock_gettime, clock_getres, gettimeofday, time,
 * nanosleep, clock_nanosleep. REALTIME is the RTC's second at boot plus the monotonic clock
 * (kernel/time/clock.c); the CPU-time clocks come from the scheduler's accounting, the same
 * numbers the native cputime call gives.
 */
#include "kernel/time/clock.h"
#include "kernel/uaccess.h"
#include "sched/sched.h"
#include "syscall/linux/linux.h"

/* The clock's value now in ns: 0 or EINVAL for a clock Spindle does not have. */
static int clock_read(int64_t clock, uint64_t *ns)
{
    uint64_t f;
    switch ((int32_t)clock) {
    case LINUX_CLOCK_REALTIME:
    case LINUX_CLOCK_REALTIME_COARSE:
        *ns = clock_unix_ns();
        return 0;
    case LINUX_CLOCK_MONOTONIC:
    case LINUX_CLOCK_MONOTONIC_RAW:
    case LINUX_CLOCK_MONOTONIC_COARSE:
    case LINUX_CLOCK_BOOTTIME:
        *ns = clock_now_ns();
        return 0;
    case LINUX_CLOCK_PROCESS_CPUTIME_ID:
        f = sched_lock();
        *ns = process_cpu_ns(process_current());
        sched_unlock(f);
        return 0;
    case LINUX_CLOCK_THREAD_CPUTIME_ID:
        f = sched_lock();
        *ns = sched_thread_cpu_ns(sched_current());
        sched_unlock(f);
        return 0;
    default:
        return EINVAL;
    }
}

int64_t linux_sys_clock_gettime(int64_t clock, void *tp)
{
    uint64_t ns;
    int err = clock_read(clock, &ns);
    if (!err)
        err = linux_timespec_write(tp, ns);
    return -err;
}

int64_t linux_sys_clock_getres(int64_t clock, void *res)
{
    uint64_t ns;
    int err = clock_read(clock, &ns);
    if (!err && res)
        err = linux_timespec_write(res, 1);
    return -err;
}

int64_t linux_sys_gettimeofday(void *tv, void *tz)
{
    (void)tz; /* obsolete: no time zone is kept */
    uint64_t ns = clock_unix_ns();
    linux_timeval_t t = { (int64_t)(ns / 1000000000), (int64_t)(ns % 1000000000 / 1000) };
    return tv && copy_to_user(tv, &t, sizeof t) ? -EFAULT : 0;
}

int64_t linux_sys_time(void *tloc)
{
    int64_t now = (int64_t)clock_unix_epoch();
    if (tloc && copy_to_user(tloc, &now, sizeof now))
        return -EFAULT;
    return now;
}

/* Sleeps ns through the native nanosleep; on EINTR (a kill) the remaining time is stored. */
static int64_t linux_sleep(uint64_t ns, void *rem)
{
    uint64_t start = clock_now_ns();
    int64_t r = LN1(SYS_NANOSLEEP, ns);
    if (r == -EINTR && rem) {
        uint64_t slept = clock_now_ns() - start;
        linux_timespec_write(rem, slept < ns ? ns - slept : 0);
    }
    return r;
}

int64_t linux_sys_nanosleep(void *req, void *rem)
{
    uint64_t ns;
    int err = linux_timespec_read(req, &ns);
    return err ? -err : linux_sleep(ns, rem);
}

int64_t linux_sys_clock_nanosleep(int64_t clock, uint64_t flags, void *req, void *rem)
{
    uint64_t ns, now;
    if (clock == LINUX_CLOCK_THREAD_CPUTIME_ID || flags & ~(uint64_t)LINUX_TIMER_ABSTIME)
        return -EINVAL;
    int err = clock_read(clock, &now);
    if (!err)
        err = linux_timespec_read(req, &ns);
    if (err)
        return -err;
    if (flags & LINUX_TIMER_ABSTIME) /* until the clock reads ns; rem is not written */
        return linux_sleep(ns > now ? ns - now : 0, NULL);
    return linux_sleep(ns, rem);
}
