/*
 * sys_enosys.c - calls of syscalls.spec that are not written yet. Each answers ENOSYS so
 * the table has no gaps; whoever implements one deletes its line here (a second
 * definition of the same number panics at boot, naming both).
 */
#include "syscall/syscall.h"
