/*
 * sys/wait.h - waiting for children. The status word is Spindle's (abi.h): the exit code in
 * the low byte, WAIT_STATUS_KILLED set when the child was ended by kill().
 */
#ifndef _SYS_WAIT_H
#define _SYS_WAIT_H

#include <spindle/abi.h>
#include <sys/types.h>

#define WIFEXITED(s)   (!((s) & WAIT_STATUS_KILLED))
#define WEXITSTATUS(s) WAIT_STATUS_CODE(s)
#define WIFSIGNALED(s) (((s) & WAIT_STATUS_KILLED) != 0)
#define WTERMSIG(s)    WAIT_STATUS_CODE(s)

/* pid -1 waits for any child. */
pid_t waitpid(pid_t pid, int *status, int options);
pid_t wait(int *status);

#endif
