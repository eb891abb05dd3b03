/*
 * errno.h - errno and the error codes (one list, shared with the kernel: spindle/errno.h).
 * errno goes through a function so it can become per-thread without changing callers.
 */
#ifndef _ERRNO_H
#define _ERRNO_H

#include <spindle/errno.h>

int *__errno_location(void);
#define errno (*__errno_location())

#endif
