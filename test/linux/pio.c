/* pio.c - a Linux program for test/linux.sh: pread64/pwrite64 are atomic against other threads
 * using the same open file. One thread reads and writes blocks at given offsets while another
 * moves the shared file position with lseek and read; neither may see the other's effect
 * (a pread built from seek + read + seek back gets the wrong block or moves the position).
 * Also sendfile with an offset leaves the input's position alone, and pwrite on an O_APPEND
 * file appends (as Linux does). Output is identical on Linux and Spindle. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

enum { BLOCK = 64, BLOCKS = 64, ROUNDS = 20000 };

static int fd;
static volatile int stop;

static void block_fill(char *b, int index)
{
    memset(b, 'A' + index % 26, BLOCK);
    b[0] = (char)index;
}

/* Moves the shared position around and checks that only it moves it. */
static void *seeker(void *arg)
{
    (void)arg;
    long moved = 0;
    char b[BLOCK];
    for (unsigned i = 0; !stop; i++) {
        off_t want = (off_t)(i % BLOCKS) * BLOCK;
        lseek(fd, want, SEEK_SET);
        if (read(fd, b, BLOCK) != BLOCK || b[0] != (char)(i % BLOCKS) ||
            lseek(fd, 0, SEEK_CUR) != want + BLOCK)
            moved++;
    }
    return (void *)moved;
}

static long preads_checked(void)
{
    long wrong = 0;
    char b[BLOCK], want[BLOCK];
    for (unsigned i = 0; i < ROUNDS; i++) {
        int index = (int)((i * 7) % BLOCKS);
        block_fill(want, index);
        if (i % 4 == 0 && pwrite(fd, want, BLOCK, (off_t)index * BLOCK) != BLOCK)
            wrong++;
        if (pread(fd, b, BLOCK, (off_t)index * BLOCK) != BLOCK || memcmp(b, want, BLOCK) != 0)
            wrong++;
    }
    return wrong;
}

static void append_and_sendfile(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/append.txt", dir);
    int a = open(path, O_CREAT | O_TRUNC | O_RDWR | O_APPEND, 0644);
    ssize_t w = write(a, "head", 4), pw = pwrite(a, "tail", 4, 0);
    printf("append: write %zd, pwrite at 0 %zd, size %ld\n", w, pw, (long)lseek(a, 0, SEEK_END));
    char b[9] = { 0 };
    ssize_t r = pread(a, b, 8, 0);
    printf("append: pread %zd \"%s\"\n", r, b);
    close(a);

    snprintf(path, sizeof path, "%s/copy.txt", dir);
    int out = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    lseek(fd, 5, SEEK_SET);
    off_t off = BLOCK;
    ssize_t n = sendfile(out, fd, &off, 2 * BLOCK);
    off_t position = lseek(fd, 0, SEEK_CUR);
    printf("sendfile at offset: %zd, offset now %ld, input position %ld\n", n, (long)off,
           (long)position);
    close(out);
    int p[2];
    if (pipe(p) != 0)
        return;
    r = pread(p[0], b, 1, 0);
    printf("pread of a pipe: %zd errno %s\n", r, strerror(errno));
    r = pread(fd, b, 1, -1);
    printf("pread at a negative offset: %zd errno %s\n", r, strerror(errno));
    r = pwrite(fd, b, 1, -1);
    printf("pwrite at a negative offset: %zd errno %s\n", r, strerror(errno));
    int ro = open(path, O_RDONLY);
    r = pwrite(ro, b, 1, 0);
    printf("pwrite on a read-only descriptor: %zd errno %s\n", r, strerror(errno));
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    mkdir(argv[1], 0755);
    char path[512];
    snprintf(path, sizeof path, "%s/blocks", argv[1]);
    fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
    char b[BLOCK];
    for (int i = 0; i < BLOCKS; i++) {
        block_fill(b, i);
        if (write(fd, b, BLOCK) != BLOCK)
            return 1;
    }
    pthread_t t;
    pthread_create(&t, NULL, seeker, NULL);
    long wrong = preads_checked();
    stop = 1;
    void *moved;
    pthread_join(t, &moved);
    printf("pread/pwrite beside lseek+read: wrong blocks %ld, seeker surprised %ld\n", wrong,
           (long)moved);
    append_and_sendfile(argv[1]);
    return 0;
}
