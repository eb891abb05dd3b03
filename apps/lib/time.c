/*
 * time.c - clock_gettime, nanosleep, time (see time.h). CLOCK_REALTIME is derived from the
 * kernel's wall clock (whole seconds: RTC at boot + uptime) and the monotonic clock, so it
 * advances smoothly with nanosecond resolution instead of in one-second steps.
 */
#include <errno.h>
#include <time.h>
#include <spindle/syscall_stubs.h>

#define NS_PER_S 1000000000ULL

int clock_gettime(clockid_t clock, struct timespec *ts)
{
    uint64_t ns;
    if (clock == CLOCK_MONOTONIC) {
        ns = sys_uptime();
    } else if (clock == CLOCK_REALTIME) {
        uint64_t up = sys_uptime();
        uint64_t epoch = sys_unix_epoch();
        uint64_t boot_s = epoch - up / NS_PER_S; /* the kernel adds whole uptime seconds */
        ns = boot_s * NS_PER_S + up;
    } else {
        errno = EINVAL;
        return -1;
    }
    ts->tv_sec = (time_t)(ns / NS_PER_S);
    ts->tv_nsec = (long)(ns % NS_PER_S);
    return 0;
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= (long)NS_PER_S) {
        errno = EINVAL;
        return -1;
    }
    uint64_t ns = (uint64_t)req->tv_sec * NS_PER_S + (uint64_t)req->tv_nsec;
    if (sys_nanosleep(ns) == ERR) {
        errno = (int)sys_errno();
        return -1;
    }
    if (rem)
        rem->tv_sec = 0, rem->tv_nsec = 0;
    return 0;
}

time_t time(time_t *t)
{
    time_t now = (time_t)sys_unix_epoch();
    if (t)
        *t = now;
    return now;
}
