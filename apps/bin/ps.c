/* ps - lists processes from /proc: PID, parent, state, threads, memory (KiB) and name,
 * one line each, by increasing pid. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PS_MAX 512

/* The first line of /proc/PID/FIELD (without its newline) into out; "?" if unreadable. */
static void read_field(unsigned long pid, const char *field, char *out, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%lu/%s", pid, field);
    snprintf(out, size, "?");
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return;
    ssize_t n = read(fd, out, size - 1);
    close(fd);
    if (n <= 0) {
        snprintf(out, size, "?");
        return;
    }
    out[n] = '\0';
    out[strcspn(out, "\n")] = '\0';
}

static int is_pid(const char *s)
{
    if (*s < '1' || *s > '9')
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

int main(void)
{
    static unsigned long pids[PS_MAX];
    size_t n = 0;
    DIR *d = opendir("/proc");
    if (!d) {
        fprintf(stderr, "ps: /proc: %s\n", strerror(errno));
        return 1;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < PS_MAX)
        if (is_pid(e->d_name))
            pids[n++] = strtoul(e->d_name, NULL, 10);
    closedir(d);
    for (size_t i = 1; i < n; i++) { /* insertion sort by pid */
        unsigned long x = pids[i];
        size_t j = i;
        for (; j > 0 && pids[j - 1] > x; j--)
            pids[j] = pids[j - 1];
        pids[j] = x;
    }
    printf("%5s %5s %-7s %3s %8s  %s\n", "PID", "PPID", "STATE", "THR", "MEM KiB", "NAME");
    for (size_t i = 0; i < n; i++) {
        char name[64], state[16], parent[24], threads[16], mem[24];
        read_field(pids[i], "name", name, sizeof name);
        read_field(pids[i], "state", state, sizeof state);
        read_field(pids[i], "parent", parent, sizeof parent);
        read_field(pids[i], "threads", threads, sizeof threads);
        read_field(pids[i], "memory", mem, sizeof mem);
        printf("%5lu %5s %-7s %3s %8s  %s\n", pids[i], parent, state, threads, mem, name);
    }
    return 0;
}
