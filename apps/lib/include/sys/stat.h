/*
 * sys/stat.h - file status (over SYS_STAT and IOCTL_STAT) and mkdir (open with
 * O_CREAT | O_DIRECTORY | O_EXCL). There are no permissions: st_mode holds the type only.
 */
#ifndef _SYS_STAT_H
#define _SYS_STAT_H

#include <stdint.h>
#include <sys/types.h>

#define S_IFMT  0170000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define S_IFREG 0100000
#define S_ISDIR(m)  (((m) & S_IFMT) == S_IFDIR)
#define S_ISREG(m)  (((m) & S_IFMT) == S_IFREG)
#define S_ISCHR(m)  (((m) & S_IFMT) == S_IFCHR)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)

typedef unsigned int mode_t;

struct stat {
    uint64_t st_ino;
    mode_t st_mode;
    unsigned int st_nlink;
    off_t st_size;
    time_t st_mtime;    /* seconds since the epoch */
};

int stat(const char *path, struct stat *st);
int fstat(int fd, struct stat *st);
int mkdir(const char *path, mode_t mode);

#endif
