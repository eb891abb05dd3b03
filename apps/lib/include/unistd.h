/*
 * unistd.h - POSIX-named wrappers of the system calls whose meaning matches POSIX. Each
 * returns -1 and sets errno on failure. Spindle-only calls are in spindle.h.
 */
#ifndef _UNISTD_H
#define _UNISTD_H

#include <stddef.h>
#include <sys/types.h>

#define STDIN_FILENO  0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

ssize_t read(int fd, void *buf, size_t count);
ssize_t write(int fd, const void *buf, size_t count);
int close(int fd);
off_t lseek(int fd, off_t offset, int whence);
int dup(int fd);
int dup2(int oldfd, int newfd);
int pipe(int fds[2]);
int chdir(const char *path);
int unlink(const char *path);
int rmdir(const char *path);
int link(const char *oldpath, const char *newpath);
pid_t getpid(void);
pid_t gettid(void);
unsigned int sleep(unsigned int seconds);
int usleep(unsigned long usec);
_Noreturn void _exit(int status);

#endif
