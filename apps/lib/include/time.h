/*
 * time.h - clocks and sleeping: CLOCK_MONOTONIC (uptime), CLOCK_REALTIME (the RTC at boot
 * plus the monotonic clock), nanosleep and time.
 */
#ifndef _TIME_H
#define _TIME_H

#include <sys/types.h>

typedef int clockid_t;

struct timespec {
    time_t tv_sec;
    long tv_nsec;
};

#define CLOCK_REALTIME  0
#define CLOCK_MONOTONIC 1

int clock_gettime(clockid_t clock, struct timespec *ts);
/* Sleeps at least *req; rem (may be NULL) is set to zero (sleeps are not interrupted by
 * signals: there are none). -1 with EINVAL for a bad request. */
int nanosleep(const struct timespec *req, struct timespec *rem);
time_t time(time_t *t);

#endif
