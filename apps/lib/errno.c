/*
 * errno.c - the errno variable. One per process for now; becomes per-thread (TLS) when
 * threads reach user space, which is why callers go through __errno_location().
 */
#include <errno.h>

static int errno_value;

int *__errno_location(void)
{
    return &errno_value;
}
