/* files.c - a Linux program for test/linux.sh: files, directories and pipes in the scratch
 * directory argv[1] (made fresh). Output is identical on Linux and Spindle. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

/* getdents64 into memory that is not there: EFAULT, and the entries are still all there for
 * the next call (nothing is taken by a copy that faulted). */
static void getdents_fault(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    long r = syscall(SYS_getdents64, fd, (void *)16, 4096);
    int e = errno;
    char buf[4096];
    int entries = 0;
    long n;
    while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0)
        for (long off = 0; off < n; off += *(unsigned short *)(buf + off + 16))
            entries++;
    printf("getdents64 fault: %ld %s, then %d entries\n", r, r < 0 ? strerror(e) : "-", entries);
    close(fd);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *dir)
{
    DIR *d = opendir(dir);
    char *names[64];
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) && n < 64)
        names[n++] = strdup(e->d_name);
    qsort(names, n, sizeof names[0], cmp_str);
    printf("ls %s:", dir);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
    if (d)
        closedir(d);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    mkdir(argv[1], 0755);
    if (chdir(argv[1]) != 0) {
        perror("chdir");
        return 1;
    }
    char cwd[256];
    printf("getcwd ends with scratch name: %s\n",
           getcwd(cwd, sizeof cwd) && strstr(cwd, "lx") ? "yes" : "no");
    FILE *f = fopen("a.txt", "w");
    for (int i = 0; i < 100; i++)
        fprintf(f, "line %d\n", i);
    fclose(f);
    struct stat st;
    stat("a.txt", &st);
    printf("a.txt: size %lld, regular %d, dir %d\n", (long long)st.st_size, S_ISREG(st.st_mode), S_ISDIR(st.st_mode));

    int fd = open("a.txt", O_RDWR | O_CLOEXEC);
    char buf[32] = { 0 };
    lseek(fd, 10, SEEK_SET);
    read(fd, buf, 9);
    printf("read at 10: '%s'\n", buf);
    memset(buf, 0, sizeof buf);
    pread(fd, buf, 6, 0);
    printf("pread at 0: '%s', position %ld\n", buf, (long)lseek(fd, 0, SEEK_CUR));
    printf("cloexec: %d\n", fcntl(fd, F_GETFD) & FD_CLOEXEC);
    int fd2 = fcntl(fd, F_DUPFD, 10);
    printf("F_DUPFD >= 10: %s, accmode rdwr: %d\n", fd2 >= 10 ? "yes" : "no", (fcntl(fd2, F_GETFL) & O_ACCMODE) == O_RDWR);
    close(fd2);
    struct iovec iov[2] = { { "vec", 3 }, { "tor\n", 4 } };
    lseek(fd, 0, SEEK_END);
    printf("writev: %zd\n", writev(fd, iov, 2));
    fstat(fd, &st);
    printf("fstat size %lld\n", (long long)st.st_size);
    printf("fsync %d, ftruncate %d, ", fsync(fd), ftruncate(fd, 790));
    fstat(fd, &st);
    printf("size %lld, chmod %d\n", (long long)st.st_size, chmod("a.txt", 0644));
    close(fd);

    int in = open("a.txt", O_RDONLY), out = open("copy.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    off_t off = 5;
    ssize_t sent = sendfile(out, in, &off, 100000);
    printf("sendfile: %zd bytes, offset now %lld, input position %lld\n", sent, (long long)off,
           (long long)lseek(in, 0, SEEK_CUR));
    close(in);
    close(out);
    stat("copy.txt", &st);
    printf("copy size %lld\n", (long long)st.st_size);
    unlink("copy.txt");
    mkdir("sub", 0755);
    mkdir("sub/deeper", 0755);
    rename("a.txt", "sub/b.txt");
    list(".");
    list("sub");
    getdents_fault(".");
    int r = access("a.txt", F_OK);
    printf("access missing: %d (%s)\n", r, strerror(errno));
    r = rmdir("sub");
    printf("rmdir non-empty: %d (%s)\n", r, strerror(errno));
    r = unlink("sub/deeper");
    printf("unlink dir: %d (%s)\n", r, strerror(errno));
    unlink("sub/b.txt");
    rmdir("sub/deeper");
    rmdir("sub");
    list(".");

    int p[2];
    pipe(p);
    fd_set rs, ws;
    FD_ZERO(&rs);
    FD_SET(p[0], &rs);
    struct timeval zero = { 0, 0 };
    printf("select empty pipe: %d\n", select(p[0] + 1, &rs, NULL, NULL, &zero));
    write(p[1], "through the pipe", 16);
    FD_ZERO(&rs);
    FD_ZERO(&ws);
    FD_SET(p[0], &rs);
    FD_SET(p[1], &ws);
    struct timeval second = { 1, 0 };
    int sel = select(p[1] + 1, &rs, &ws, NULL, &second);
    printf("select ready: %d, read %d, write %d\n", sel, FD_ISSET(p[0], &rs), FD_ISSET(p[1], &ws));
    close(p[1]);
    memset(buf, 0, sizeof buf);
    int n = read(p[0], buf, sizeof buf - 1);
    int eof = read(p[0], buf + 20, 1);
    printf("pipe: %d '%s', then %d\n", n, buf, eof);
    close(p[0]);
    fflush(stdout);
    int saved = dup(1);
    dup2(saved, 5);
    write(5, "dup2 to 5\n", 10);
    close(5);
    close(saved);
    chdir("/");
    rmdir(argv[1]);
    printf("scratch removed: %s\n", access(argv[1], F_OK) != 0 ? "yes" : "no");
    return 0;
}
