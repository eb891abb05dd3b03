/* sys/types.h - POSIX scalar types of the Spindle user runtime. */
#ifndef _SYS_TYPES_H
#define _SYS_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef int pid_t;
typedef int tid_t;
typedef long ssize_t;
typedef long off_t;
typedef long time_t;

#endif
