/* shm.c - a Linux program for test/linux.sh: POSIX shared memory objects (shm_open, which
 * both libcs make a file under /dev/shm), ftruncate, write and pread, a MAP_PRIVATE mapping
 * seeing what was written, reopening, shm_unlink. Spindle has no shared file mappings yet
 * (MAP_SHARED of a file is ENODEV), so they are not tried here. Output is identical on
 * Linux and Spindle (the object's name carries the pid, so runs never meet; it is never
 * printed). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define SIZE 8192

static void report(const char *what, int r)
{
    printf("%s: %s\n", what, r < 0 ? strerror(errno) : "ok");
}

/* Writes at two pages; pread and a private mapping must see both. */
static void views(int fd)
{
    printf("pwrite: %zd %zd\n", pwrite(fd, "first page", 11, 0), pwrite(fd, "second page", 12, 4096));
    char buf[16] = { 0 };
    ssize_t n = pread(fd, buf, 12, 4096);
    printf("pread: %zd \"%s\"\n", n, buf);
    char *a = mmap(NULL, SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
    if (a == MAP_FAILED) {
        printf("mmap: %s\n", strerror(errno));
        return;
    }
    printf("mapping: \"%s\" \"%s\" %d\n", a, a + 4096, a[SIZE - 1]);
    munmap(a, SIZE);
}

int main(void)
{
    char name[64];
    snprintf(name, sizeof name, "/spindle-shm-test-%d", (int)getpid());
    int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
    report("shm_open create", fd);
    if (fd < 0)
        return 1;
    report("shm_open exclusive again", shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600));
    report("ftruncate", ftruncate(fd, SIZE));
    struct stat st;
    report("fstat", fstat(fd, &st));
    printf("size %lld\n", (long long)st.st_size);
    views(fd);
    close(fd);
    fd = shm_open(name, O_RDWR, 0);
    report("shm_open existing", fd);
    char *c = mmap(NULL, SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
    if (c != MAP_FAILED) {
        printf("reopened: \"%s\" \"%s\"\n", c, c + 4096);
        munmap(c, SIZE);
    }
    close(fd);
    report("shm_unlink", shm_unlink(name));
    report("shm_open after unlink", shm_open(name, O_RDWR, 0));
    report("shm_unlink again", shm_unlink(name));
    return 0;
}
