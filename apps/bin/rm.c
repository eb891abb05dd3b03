/* rm - removes files and empty directories: rm [-r] [-f] PATH... (-r: directories with
 * everything in them; -f: no complaint about paths that do not exist). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int opt_recursive, opt_force;

static int remove_path(const char *path);

static int remove_children(const char *dir)
{
    int failed = 0;
    for (;;) {
        /* Reopened after each removal: removing entries while reading a directory is
         * not something the listing promises to survive. */
        DIR *d = opendir(dir);
        if (!d) {
            fprintf(stderr, "rm: %s: %s\n", dir, strerror(errno));
            return 1;
        }
        struct dirent *e = readdir(d);
        char child[PATH_MAX];
        if (e)
            snprintf(child, sizeof child, "%s/%s", dir, e->d_name);
        closedir(d);
        if (!e)
            return failed;
        if (remove_path(child))
            return 1; /* it stays: stop instead of looping on it */
    }
}

static int remove_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        if (opt_force && errno == ENOENT)
            return 0;
        fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (S_ISDIR(st.st_mode) && opt_recursive && remove_children(path))
        return 1;
    if (unlink(path) < 0) {
        fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int i = 1, failed = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'r' || *o == 'R')
                opt_recursive = 1;
            else if (*o == 'f')
                opt_force = 1;
            else {
                fprintf(stderr, "rm: unknown option -%c (usage: rm [-r] [-f] PATH...)\n", *o);
                return 2;
            }
        }
    }
    if (i >= argc && !opt_force) {
        fprintf(stderr, "usage: rm [-r] [-f] PATH...\n");
        return 2;
    }
    for (; i < argc; i++)
        failed |= remove_path(argv[i]);
    return failed;
}
