/*
 * sys/auxv.h - the aux vector the kernel put on the initial stack (AT_* in spindle/abi.h).
 */
#ifndef _SYS_AUXV_H
#define _SYS_AUXV_H

#include <spindle/abi.h>

/* The value of entry type, 0 when the kernel gave none. */
unsigned long getauxval(unsigned long type);

#endif
