/* cp - copies files: cp SRC DEST, or cp SRC... DIR (into DIR under their own names). */
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

static int copy_fd(int in, int out)
{
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n <= 0)
            return (int)n;
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(out, buf + done, (size_t)(n - done));
            if (w <= 0)
                return -1;
            done += w;
        }
    }
}

static int copy_file(const char *src, const char *dest)
{
    if (is_dir(src)) {
        fprintf(stderr, "cp: %s: is a directory (not copied)\n", src);
        return 1;
    }
    int in = open(src, O_RDONLY);
    if (in < 0) {
        fprintf(stderr, "cp: %s: %s\n", src, strerror(errno));
        return 1;
    }
    int out = open(dest, O_WRONLY | O_CREAT | O_TRUNC);
    if (out < 0) {
        fprintf(stderr, "cp: %s: %s\n", dest, strerror(errno));
        close(in);
        return 1;
    }
    int r = copy_fd(in, out);
    if (r < 0)
        fprintf(stderr, "cp: %s -> %s: %s\n", src, dest, strerror(errno));
    close(in);
    if (close(out) < 0 && r == 0) {
        fprintf(stderr, "cp: %s: %s\n", dest, strerror(errno));
        r = -1;
    }
    return r < 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: cp SRC DEST | cp SRC... DIR\n");
        return 2;
    }
    const char *dest = argv[argc - 1];
    int into_dir = is_dir(dest);
    if (argc > 3 && !into_dir) {
        fprintf(stderr, "cp: %s: not a directory\n", dest);
        return 1;
    }
    int failed = 0;
    for (int i = 1; i < argc - 1; i++) {
        char target[PATH_MAX];
        if (into_dir)
            snprintf(target, sizeof target, "%s/%s", dest, base_name(argv[i]));
        else
            snprintf(target, sizeof target, "%s", dest);
        failed |= copy_file(argv[i], target);
    }
    return failed;
}
