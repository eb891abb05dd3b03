/*
 * sys_enosys.c - calls of syscalls.spec that are not written yet. Each answers ENOSYS so
 * the table has no gaps; whoever implements one deletes its line here (a second
 * definition of the same number panics at boot, naming both).
 */
#include "syscall/syscall.h"


/* Numbers 40-42 are reserved in syscalls.spec for another piece of work (the spec admits no
 * gaps); they answer ENOSYS until it lands. */
SYSCALL_ENOSYS(SYS_SET_FS_BASE)
SYSCALL_ENOSYS(SYS_CPUTIME)
SYSCALL_ENOSYS(SYS_THREAD_EXIT_WORD)
