/* unistd.c - POSIX-named wrappers of system calls (see unistd.h, fcntl.h): -1 and errno on error. */
#include <fcntl.h>
#include <unistd.h>
#include "libc_internal.h"

ssize_t read(int fd, void *buf, size_t count)
{
    return libc_result(sys_read((uint64_t)(int64_t)fd, buf, count));
}

ssize_t write(int fd, const void *buf, size_t count)
{
    return libc_result(sys_write((uint64_t)(int64_t)fd, buf, count));
}

long libc_write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, c + done, n - done);
        if (w < 0)
            return -1;
        if (w == 0) { /* no progress: report instead of spinning */
            errno = EIO;
            return -1;
        }
        done += (size_t)w;
    }
    return (long)done;
}

int close(int fd)
{
    return (int)libc_result(sys_close((uint64_t)(int64_t)fd));
}

off_t lseek(int fd, off_t offset, int whence)
{
    return libc_result((uint64_t)sys_seek((uint64_t)(int64_t)fd, offset, (uint64_t)whence));
}

int dup(int fd)
{
    return (int)libc_result(sys_dup((uint64_t)(int64_t)fd));
}

int dup2(int oldfd, int newfd)
{
    return (int)libc_result(sys_dup2((uint64_t)(int64_t)oldfd, (uint64_t)(int64_t)newfd));
}

int pipe(int fds[2])
{
    fd_pair_t pair;
    if (libc_result(sys_open2("/dev/pipe/new", &pair)) < 0)
        return -1;
    fds[0] = pair.fd[0];
    fds[1] = pair.fd[1];
    return 0;
}

int open(const char *path, int flags, ...)
{
    return (int)libc_result(sys_open(path, (uint64_t)(unsigned)flags));
}

int openat(int dirfd, const char *path, int flags, ...)
{
    return (int)libc_result(sys_openat((uint64_t)(int64_t)dirfd, path, (uint64_t)(unsigned)flags));
}

int chdir(const char *path)
{
    return (int)libc_result(sys_chdir(path));
}

int unlink(const char *path)
{
    return (int)libc_result(sys_remove(path));
}

int rmdir(const char *path)
{
    return (int)libc_result(sys_remove(path));
}

int link(const char *oldpath, const char *newpath)
{
    return (int)libc_result(sys_link(oldpath, newpath));
}

pid_t getpid(void)
{
    return (pid_t)sys_getpid();
}

pid_t gettid(void)
{
    return (pid_t)sys_gettid();
}

unsigned int sleep(unsigned int seconds)
{
    sys_nanosleep((uint64_t)seconds * 1000000000ULL);
    return 0;
}

int usleep(unsigned long usec)
{
    return (int)libc_result(sys_nanosleep((uint64_t)usec * 1000ULL));
}

_Noreturn void _exit(int status)
{
    sys_process_exit(status);
}
