/* dirent.h - reading directories (over SYS_GETDENTS). "." and ".." are not listed. */
#ifndef _DIRENT_H
#define _DIRENT_H

#include <stdint.h>

#define DT_UNKNOWN 0
#define DT_REG     1   /* STAT_FILE */
#define DT_DIR     2   /* STAT_DIR */
#define DT_CHR     3   /* STAT_DEV */
#define DT_FIFO    4   /* STAT_PIPE */

struct dirent {
    uint64_t d_ino;
    unsigned char d_type;
    char d_name[256];
};

typedef struct spindle_dir DIR;

DIR *opendir(const char *path);
struct dirent *readdir(DIR *d);
int closedir(DIR *d);
int dirfd(DIR *d);

#endif
