/* mv - renames: mv SRC DEST, or mv SRC... DIR. A new name is made with link() and the old
 * one removed; where link() refuses (another file system, a directory) a file is copied
 * and then removed. */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char buf[16384];

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

static int copy_then_remove(const char *src, const char *dest)
{
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
        if (n < 0) {
            r = -1;
            break;
        }
        for (ssize_t done = 0; done < n && r == 0;) {
            ssize_t w = write(out, buf + done, (size_t)(n - done));
            if (w <= 0)
                r = -1;
            else
                done += w;
        }
    }
    close(in);
    if (close(out) < 0)
        r = -1;
    if (r < 0) {
        int e = errno;
        unlink(dest);
        errno = e;
        return -1;
    }
    return unlink(src);
}

static int move(const char *src, const char *dest)
{
    struct stat st;
    if (stat(src, &st) < 0) {
        fprintf(stderr, "mv: %s: %s\n", src, strerror(errno));
        return 1;
    }
    if (stat(dest, &st) == 0 && !S_ISDIR(st.st_mode) && unlink(dest) < 0) {
        fprintf(stderr, "mv: %s: %s\n", dest, strerror(errno));
        return 1;
    }
    if (link(src, dest) == 0) {
        if (unlink(src) == 0)
            return 0;
        fprintf(stderr, "mv: %s: %s (the new name %s exists too)\n", src, strerror(errno), dest);
        return 1;
    }
    if (errno != EXDEV && errno != EPERM && errno != EACCES && errno != EISDIR) {
        fprintf(stderr, "mv: %s -> %s: %s\n", src, dest, strerror(errno));
        return 1;
    }
    if (is_dir(src)) {
        fprintf(stderr, "mv: %s: directories cannot be moved here\n", src);
        return 1;
    }
    if (copy_then_remove(src, dest) < 0) {
        fprintf(stderr, "mv: %s -> %s: %s\n", src, dest, strerror(errno));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: mv SRC DEST | mv SRC... DIR\n");
        return 2;
    }
    const char *dest = argv[argc - 1];
    int into_dir = is_dir(dest);
    if (argc > 3 && !into_dir) {
        fprintf(stderr, "mv: %s: not a directory\n", dest);
        return 1;
    }
    int failed = 0;
    for (int i = 1; i < argc - 1; i++) {
        char target[PATH_MAX];
        if (into_dir)
            snprintf(target, sizeof target, "%s/%s", dest, base_name(argv[i]));
        else
            snprintf(target, sizeof target, "%s", dest);
        failed |= move(argv[i], target);
    }
    return failed;
}
