/* poll.h - waiting for descriptors (over SYS_POLL); struct pollfd has pollfd_t's layout. */
#ifndef _POLL_H
#define _POLL_H

#include <stdint.h>
#include <spindle/abi.h>

struct pollfd {
    int fd;
    short events;
    short revents;
};
typedef unsigned long nfds_t;

/* timeout_ms < 0: wait forever. Returns the number of ready entries, 0 on timeout. */
int poll(struct pollfd *fds, nfds_t n, int timeout_ms);

#endif
