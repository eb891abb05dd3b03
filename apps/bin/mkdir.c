/* mkdir - makes directories: mkdir [-p] DIR... (-p: make missing parents too, and accept
 * directories that exist already). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Each prefix of path that ends before a '/' in turn, then path itself. */
static int make_parents(const char *path)
{
    char buf[PATH_MAX];
    size_t n = strlen(path);
    if (n >= sizeof buf) {
        fprintf(stderr, "mkdir: %s: path too long\n", path);
        return 1;
    }
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char saved = buf[i];
        buf[i] = '\0';
        if (!is_dir(buf) && mkdir(buf, 0777) < 0 && errno != EEXIST) {
            fprintf(stderr, "mkdir: %s: %s\n", buf, strerror(errno));
            return 1;
        }
        buf[i] = saved;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int i = 1, parents = 0, failed = 0;
    if (i < argc && strcmp(argv[i], "-p") == 0) {
        parents = 1;
        i++;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: mkdir [-p] DIR...\n");
        return 2;
    }
    for (; i < argc; i++) {
        if (parents) {
            failed |= make_parents(argv[i]);
        } else if (mkdir(argv[i], 0777) < 0) {
            fprintf(stderr, "mkdir: %s: %s\n", argv[i], strerror(errno));
            failed = 1;
        }
    }
    return failed;
}
