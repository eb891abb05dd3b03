/* fcntl.h - open() and its flags (the O_* values are the ABI's, from spindle/abi.h). */
#ifndef _FCNTL_H
#define _FCNTL_H

#include <spindle/abi.h>

/* mode is accepted for POSIX compatibility and ignored (no permissions yet). */
int open(const char *path, int flags, ...);
int openat(int dirfd, const char *path, int flags, ...);

#endif
