/*
 * src_dest.h - what cp and mv share: the "SRC DEST | SRC... DIR" argument convention and
 * copying one file's bytes into another. Included by exactly those programs.
 */
#ifndef APPS_SRC_DEST_H
#define APPS_SRC_DEST_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path;
}

/* Copies src's bytes into dest (created or truncated); 0, or -1 with errno set. */
static int copy_bytes(const char *src, const char *dest)
{
    static char buf[16384];
    int in = open(src, O_RDONLY);
    if (in < 0)
        return -1;
    int out = open(dest, O_WRONLY | O_CREAT | O_TRUNC);
    if (out < 0) {
        close(in);
        return -1;
    }
    ssize_t n;
    int r = 0;
    while (r == 0 && (n = read(in, buf, sizeof buf)) != 0) {
        if (n < 0)
            r = -1;
        for (ssize_t done = 0; r == 0 && done < n;) {
            ssize_t w = write(out, buf + done, (size_t)(n - done));
            if (w <= 0)
                r = -1;
            else
                done += w;
        }
    }
    int e = errno;
    close(in);
    if (close(out) < 0 && r == 0)
        return -1;
    errno = e;
    return r;
}

/* Runs op(src, target) for every SRC of "prog SRC DEST" or "prog SRC... DIR" and returns
 * the exit status: 2 for bad usage, 1 when any op failed. */
static int src_dest_main(int argc, char **argv, const char *prog,
                         int (*op)(const char *src, const char *dest))
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s SRC DEST | %s SRC... DIR\n", prog, prog);
        return 2;
    }
    const char *dest = argv[argc - 1];
    int into_dir = is_dir(dest);
    if (argc > 3 && !into_dir) {
        fprintf(stderr, "%s: %s: not a directory\n", prog, dest);
        return 1;
    }
    int failed = 0;
    for (int i = 1; i < argc - 1; i++) {
        char target[PATH_MAX];
        if (into_dir)
            snprintf(target, sizeof target, "%s/%s", dest, base_name(argv[i]));
        else
            snprintf(target, sizeof target, "%s", dest);
        failed |= op(argv[i], target);
    }
    return failed;
}

#endif
