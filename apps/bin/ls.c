/*
 * ls - lists directories: ls [-l] [-a] [PATH...] (default "."). Names are sorted; a file
 * operand is listed as itself. -l adds the type, link count, size and modification time;
 * -a is accepted for habit's sake (there are no hidden entries: "." and ".." are never
 * listed by the kernel).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define LS_MAX_ENTRIES 1024

static int opt_long;
static char *names[LS_MAX_ENTRIES];

/* Insertion sort: directories are small, and the library has no qsort. */
static void sort_names(char **v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        char *x = v[i];
        size_t j = i;
        for (; j > 0 && strcmp(v[j - 1], x) > 0; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

static char type_char(mode_t m)
{
    return S_ISDIR(m) ? 'd' : S_ISCHR(m) ? 'c' : S_ISFIFO(m) ? 'p' : '-';
}

/* "YYYY-MM-DD HH:MM" of an epoch time (UTC; civil-from-days, see date.c). */
static void format_time(time_t t, char *out, size_t size)
{
    long z = t / 86400 + 719468, secs = t % 86400;
    long era = (z >= 0 ? z : z - 146096) / 146097, doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    long day = doy - (153 * mp + 2) / 5 + 1, month = mp < 10 ? mp + 3 : mp - 9;
    long year = yoe + era * 400 + (month <= 2);
    snprintf(out, size, "%04ld-%02ld-%02ld %02ld:%02ld", year, month, day, secs / 3600,
             secs / 60 % 60);
}

static void print_entry(const char *dir, const char *name)
{
    if (!opt_long) {
        printf("%s\n", name);
        return;
    }
    char path[PATH_MAX];
    struct stat st;
    if (dir)
        snprintf(path, sizeof path, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
    else
        snprintf(path, sizeof path, "%s", name);
    if (stat(path, &st) < 0) {
        printf("?  %3s %10s %16s %s\n", "?", "?", "?", name);
        return;
    }
    char when[32];
    format_time(st.st_mtime, when, sizeof when);
    printf("%c  %3u %10ld %s %s%s\n", type_char(st.st_mode), st.st_nlink, (long)st.st_size,
           when, name, S_ISDIR(st.st_mode) ? "/" : "");
}

static int list_dir(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
        return 1;
    }
    size_t n = 0;
    int failed = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (n == LS_MAX_ENTRIES) {
            fprintf(stderr, "ls: %s: more than %d entries, list cut\n", path, LS_MAX_ENTRIES);
            failed = 1;
            break;
        }
        size_t len = strlen(e->d_name) + 1;
        names[n] = malloc(len);
        if (!names[n]) {
            fprintf(stderr, "ls: out of memory\n");
            failed = 1;
            break;
        }
        memcpy(names[n++], e->d_name, len);
    }
    closedir(d);
    sort_names(names, n);
    for (size_t i = 0; i < n; i++) {
        print_entry(path, names[i]);
        free(names[i]);
    }
    return failed;
}

static int list_path(const char *path, int with_header, int first)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        print_entry(NULL, path);
        return 0;
    }
    if (with_header)
        printf("%s%s:\n", first ? "" : "\n", path);
    return list_dir(path);
}

int main(int argc, char **argv)
{
    int i = 1, failed = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'l')
                opt_long = 1;
            else if (*o != 'a' && *o != '1') {
                fprintf(stderr, "ls: unknown option -%c (usage: ls [-l] [PATH...])\n", *o);
                return 2;
            }
        }
    }
    if (i == argc)
        return list_path(".", 0, 1);
    for (int first = i; i < argc; i++)
        failed |= list_path(argv[i], argc - first > 1, i == first);
    return failed;
}
