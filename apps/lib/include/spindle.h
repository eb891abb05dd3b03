/*
 * spindle.h - Spindle-specific calls with no POSIX twin (or whose meaning differs), as thin
 * wrappers that set errno. The raw stubs (sys_NAME, returning ERR) are in
 * <spindle/syscall_stubs.h>, generated from include/spindle/syscalls.spec.
 */
#ifndef _SPINDLE_H
#define _SPINDLE_H

#include <stdint.h>
#include <spindle/abi.h>
#include <spindle/syscall_stubs.h>
#include <sys/types.h>

/* Starts argv[0] with arguments argv; fds NULL inherits 0-2, cwd NULL inherits. -1 on error. */
pid_t spawn(const char *const argv[], const spawn_fd_t *fds, const char *cwd, uint64_t flags);
/* Ends process pid; its parent sees WAIT_STATUS_KILLED | code. */
int kill(pid_t pid, int code);
/* Nanoseconds since boot. */
uint64_t uptime_ns(void);
/* Seconds since 1970-01-01 UTC, or -1 on error. */
time_t unix_epoch(void);
/* Sleeps at least ns nanoseconds. */
int sleep_ns(uint64_t ns);
/* Gives up the rest of the time slice. */
int sched_yield(void);
/* CPUs that run threads (/proc/system's "cpus_online:" line); 1 when it cannot be read. */
int cpus_online(void);
/* Keeps thread tid of this process (0: the caller) on CPU cpu from now on; -1: any CPU. */
int setaffinity(uint64_t tid, int cpu);

/* Files (apps/lib/file.c). fd_share offers fd under a one-time key (key_size >= 33 bytes)
 * valid for timeout_ns (CLOCK_NEVER: until claimed); fd_claim takes it as a new fd. */
int fd_share(int fd, char *key, size_t key_size, uint64_t timeout_ns);
int fd_claim(const char *key);
/* Makes the directory open at fd visible at mountpoint (an existing directory). */
int bind_dir(int fd, const char *mountpoint);
int unbind_dir(const char *mountpoint);
/* IOCTL_CLOSPAWN / IOCTL_NONBLOCK on fd. */
int fd_set_clospawn(int fd, int on);
int fd_set_nonblock(int fd, int on);

#endif
