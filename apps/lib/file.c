/*
 * file.c - file-system wrappers of the user runtime: stat/fstat/mkdir (sys/stat.h),
 * directories (dirent.h), poll (poll.h), and the Spindle calls for descriptor passing and
 * bind (spindle.h). -1 and errno on error, as everywhere in the runtime.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spindle.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "libc_internal.h"

#define DIR_BUF 2048

struct spindle_dir {
    int fd;
    size_t pos, len;
    struct dirent ent;
    char buf[DIR_BUF];
};

static mode_t mode_from_type(uint32_t type)
{
    switch (type) {
    case STAT_DIR: return S_IFDIR;
    case STAT_DEV: return S_IFCHR;
    case STAT_PIPE: return S_IFIFO;
    default: return S_IFREG;
    }
}

static void stat_convert(const stat_t *k, struct stat *st)
{
    st->st_ino = k->ino;
    st->st_mode = mode_from_type(k->type);
    st->st_nlink = k->links;
    st->st_size = (off_t)k->size;
    st->st_mtime = (time_t)(k->mtime_ns / 1000000000ULL);
}

int stat(const char *path, struct stat *st)
{
    stat_t k;
    if (libc_result(sys_stat(path, &k)) < 0)
        return -1;
    stat_convert(&k, st);
    return 0;
}

int fstat(int fd, struct stat *st)
{
    stat_t k;
    if (libc_result(sys_ioctl((uint64_t)(int64_t)fd, IOCTL_STAT, &k, sizeof k)) < 0)
        return -1;
    stat_convert(&k, st);
    return 0;
}

int mkdir(const char *path, mode_t mode)
{
    (void)mode;
    int fd = open(path, O_CREAT | O_DIRECTORY | O_EXCL | O_RDONLY);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

DIR *opendir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return NULL;
    DIR *d = malloc(sizeof *d);
    if (!d) {
        close(fd);
        errno = ENOMEM;
        return NULL;
    }
    d->fd = fd;
    d->pos = d->len = 0;
    return d;
}

struct dirent *readdir(DIR *d)
{
    if (d->pos >= d->len) {
        long n = libc_result(sys_getdents((uint64_t)d->fd, d->buf, sizeof d->buf));
        if (n <= 0)
            return NULL; /* end (errno untouched) or error (errno set) */
        d->pos = 0;
        d->len = (size_t)n;
    }
    const dirent_t *k = (const dirent_t *)(d->buf + d->pos);
    d->pos += k->reclen;
    d->ent.d_ino = k->ino;
    d->ent.d_type = k->type;
    size_t n = k->namelen < sizeof d->ent.d_name - 1 ? k->namelen : sizeof d->ent.d_name - 1;
    memcpy(d->ent.d_name, k->name, n);
    d->ent.d_name[n] = 0;
    return &d->ent;
}

int closedir(DIR *d)
{
    int r = close(d->fd);
    free(d);
    return r;
}

int dirfd(DIR *d)
{
    return d->fd;
}

int poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
    uint64_t timeout = timeout_ms < 0 ? CLOCK_NEVER : (uint64_t)timeout_ms * 1000000ULL;
    return (int)libc_result(sys_poll(fds, n, timeout));
}

int fd_share(int fd, char *key, size_t key_size, uint64_t timeout_ns)
{
    return (int)libc_result(sys_share(key, key_size, (uint64_t)(int64_t)fd, timeout_ns));
}

int fd_claim(const char *key)
{
    return (int)libc_result(sys_claim(key));
}

int bind_dir(int fd, const char *mountpoint)
{
    return (int)libc_result(sys_bind((uint64_t)(int64_t)fd, mountpoint));
}

int unbind_dir(const char *mountpoint)
{
    return (int)libc_result(sys_unbind(mountpoint));
}

int fd_set_clospawn(int fd, int on)
{
    uint32_t v = on ? 1 : 0;
    return (int)libc_result(sys_ioctl((uint64_t)(int64_t)fd, IOCTL_CLOSPAWN, &v, sizeof v));
}

int fd_set_nonblock(int fd, int on)
{
    uint32_t v = on ? 1 : 0;
    return (int)libc_result(sys_ioctl((uint64_t)(int64_t)fd, IOCTL_NONBLOCK, &v, sizeof v));
}
