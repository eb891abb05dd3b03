/*
 * t_dev - devfs (/dev/null, zero, random, console, fb0, pipe), procfs (/proc/self, /proc/PID
 * files, listing), bind (a directory made visible at another path: never over /tmp, never
 * in a loop) and unbind.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spindle.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t_check.h"

#define P "t_dev"

static int fails(long r, int code)
{
    return r == -1 && errno == code;
}

static long read_file(const char *path, char *buf, size_t n)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    long r = read(fd, buf, n - 1);
    close(fd);
    buf[r > 0 ? r : 0] = 0;
    return r;
}

static void test_devices(void)
{
    char buf[64];
    int fd = open("/dev/null", O_RDWR);
    T_CHECK(P, "null-read-eof", fd >= 0 && read(fd, buf, sizeof buf) == 0);
    T_CHECK(P, "null-write-swallows", write(fd, buf, 50) == 50);
    close(fd);
    fd = open("/dev/zero", O_RDONLY);
    memset(buf, 7, sizeof buf);
    T_CHECK(P, "zero-reads-zeros", read(fd, buf, 64) == 64 && buf[0] == 0 && buf[63] == 0);
    close(fd);
    uint64_t a = 0, b = 0;
    fd = open("/dev/random", O_RDONLY);
    T_CHECK(P, "random-differs", read(fd, &a, 8) == 8 && read(fd, &b, 8) == 8 && a != b);
    close(fd);
    fd = open("/dev/console", O_WRONLY);
    T_CHECK(P, "console-write", fd >= 0 && write(fd, "t_dev: console\n", 15) == 15);
    close(fd);
    T_CHECK(P, "devfs-create-eacces", fails(open("/dev/newfile", O_CREAT | O_RDWR), EACCES));
    T_CHECK(P, "devfs-remove-eacces", fails(unlink("/dev/null"), EACCES));
    fd = open("/dev/fb0", O_RDONLY);
    fb_info_t fb;
    long r = sys_ioctl(fd, IOCTL_FB_INFO, &fb, sizeof fb);
    T_CHECK(P, "fb0-info", fd >= 0 && ((r == 0 && fb.width > 0 && fb.pitch >= fb.width) ||
                                       ((uint64_t)r == ERR && sys_errno() == ENXIO)));
    T_CHECK(P, "fb0-bad-size-einval", (uint64_t)sys_ioctl(fd, IOCTL_FB_INFO, &fb, 3) == ERR &&
            sys_errno() == EINVAL);
    T_CHECK(P, "ioctl-unknown-enotty", (uint64_t)sys_ioctl(fd, 0x7777, NULL, 0) == ERR &&
            sys_errno() == ENOTTY);
    T_CHECK(P, "ioctl-bad-fd-ebadf", (uint64_t)sys_ioctl(55, IOCTL_STAT, NULL, 0) == ERR &&
            sys_errno() == EBADF);
    close(fd);
    struct stat st;
    T_CHECK(P, "stat-device", stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
    DIR *d = opendir("/dev");
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strcmp(e->d_name, "console") == 0 || strcmp(e->d_name, "null") == 0;
    if (d)
        closedir(d);
    T_CHECK(P, "dev-listing", n == 2);
}

static void test_procfs(void)
{
    char buf[256], want[64];
    snprintf(want, sizeof want, "pid: %d\n", getpid());
    T_CHECK(P, "proc-self-status", read_file("/proc/self/status", buf, sizeof buf) > 0 &&
            strncmp(buf, want, strlen(want)) == 0 && strstr(buf, "name: t_dev") != NULL);
    snprintf(want, sizeof want, "/proc/%d/name", getpid());
    T_CHECK(P, "proc-pid-name", read_file(want, buf, sizeof buf) > 0 && strcmp(buf, "t_dev\n") == 0);
    T_CHECK(P, "proc-state-alive", read_file("/proc/self/state", buf, sizeof buf) > 0 &&
            strcmp(buf, "alive\n") == 0);
    T_CHECK(P, "proc-memory-nonzero", read_file("/proc/self/memory", buf, sizeof buf) > 0 &&
            atoi(buf) > 0);
    T_CHECK(P, "proc-missing-enoent", fails(open("/proc/999999/status", O_RDONLY), ENOENT));
    T_CHECK(P, "proc-write-eacces", fails(open("/proc/self/name", O_WRONLY), EACCES));
    T_CHECK(P, "proc-dotdot", read_file("/proc/self/../self/name", buf, sizeof buf) > 0);
    DIR *d = opendir("/proc");
    int self = 0, mine = 0;
    snprintf(want, sizeof want, "%d", getpid());
    struct dirent *e;
    while (d && (e = readdir(d))) {
        self |= strcmp(e->d_name, "self") == 0;
        mine |= strcmp(e->d_name, want) == 0;
    }
    if (d)
        closedir(d);
    T_CHECK(P, "proc-listing", self && mine);
}

static void test_bind(void)
{
    mkdir("/tmp/bsrc", 0);
    mkdir("/tmp/bmp", 0);
    close(open("/tmp/bsrc/inside", O_CREAT | O_WRONLY));
    int dfd = open("/tmp/bsrc", O_RDONLY | O_DIRECTORY);
    struct stat st;
    T_CHECK(P, "bind", bind_dir(dfd, "/tmp/bmp") == 0 && stat("/tmp/bmp/inside", &st) == 0);
    T_CHECK(P, "bind-busy-ebusy", fails(bind_dir(dfd, "/tmp/bmp"), EBUSY));
    T_CHECK(P, "bind-self-cycle-ebusy", fails(bind_dir(dfd, "/tmp/bsrc"), EBUSY));
    T_CHECK(P, "bind-mountpoint-remove-ebusy", fails(rmdir("/tmp/bmp"), EBUSY));
    int ffd = open("/etc/motd", O_RDONLY);
    T_CHECK(P, "bind-file-enotdir", fails(bind_dir(ffd, "/tmp/bsrc"), ENOTDIR));
    T_CHECK(P, "bind-missing-enoent", fails(bind_dir(dfd, "/tmp/none"), ENOENT));
    T_CHECK(P, "bind-bad-fd-ebadf", fails(bind_dir(60, "/tmp/bmp"), EBADF));
    /* a directory bound inside itself would make the namespace endless */
    mkdir("/tmp/bsrc/sub", 0);
    mkdir("/tmp/bloop", 0);
    int rfd = open("/", O_RDONLY | O_DIRECTORY);
    T_CHECK(P, "bind-into-own-subtree-ebusy", fails(bind_dir(dfd, "/tmp/bsrc/sub"), EBUSY));
    T_CHECK(P, "bind-root-inside-itself-ebusy", rfd >= 0 && fails(bind_dir(rfd, "/tmp/bloop"), EBUSY));
    close(rfd);
    /* the namespace is shared by everyone: nobody may hide /bin behind a bind */
    mkdir("/tmp/bempty", 0);
    int efd = open("/tmp/bempty", O_RDONLY | O_DIRECTORY);
    T_CHECK(P, "bind-outside-tmp-eperm", fails(bind_dir(efd, "/bin"), EPERM) &&
                                             stat("/bin/sh", &st) == 0);
    /* a procfs directory lives only while it is looked at: it cannot be bound */
    int pfd = open("/proc/self", O_RDONLY | O_DIRECTORY);
    mkdir("/tmp/bproc", 0);
    T_CHECK(P, "bind-proc-dir-einval", pfd >= 0 && fails(bind_dir(pfd, "/tmp/bproc"), EINVAL));
    close(pfd);
    close(efd);
    close(ffd);
    close(dfd);
}

/* Issue 17: binds that loop through each other, and a bind over /tmp itself, were accepted
 * (an endless namespace; /tmp hidden from everyone for good). And binds can now be undone. */
static void test_bind_graph_and_unbind(void)
{
    struct stat st;
    mkdir("/tmp/bga", 0);
    mkdir("/tmp/bga/x", 0);
    mkdir("/tmp/bgb", 0);
    mkdir("/tmp/bgb/c", 0);
    int afd = open("/tmp/bga", O_RDONLY | O_DIRECTORY);
    int bfd = open("/tmp/bgb", O_RDONLY | O_DIRECTORY);
    T_CHECK(P, "bind-b-onto-a-x", bind_dir(bfd, "/tmp/bga/x") == 0 &&
                                      stat("/tmp/bga/x/c", &st) == 0);
    T_CHECK(P, "bind-cycle-through-two-binds-ebusy", fails(bind_dir(afd, "/tmp/bgb/c"), EBUSY));
    T_CHECK(P, "bind-cycle-deeper-ebusy", fails(bind_dir(afd, "/tmp/bga/x/c"), EBUSY));
    T_CHECK(P, "bind-over-tmp-eperm", fails(bind_dir(bfd, "/tmp"), EPERM) &&
                                          stat("/tmp/bga", &st) == 0);
    T_CHECK(P, "unbind-not-a-bind-einval", fails(unbind_dir("/tmp/bgb"), EINVAL) &&
                                               fails(unbind_dir("/dev"), EINVAL) &&
                                               fails(unbind_dir("/"), EINVAL));
    T_CHECK(P, "unbind-missing-enoent", fails(unbind_dir("/tmp/nonexistent"), ENOENT));
    T_CHECK(P, "unbind-file-enotdir", fails(unbind_dir("/etc/motd"), ENOTDIR));
    T_CHECK(P, "unbind-uncovers-mountpoint",
            unbind_dir("/tmp/bga/x") == 0 && stat("/tmp/bga/x/c", &st) == -1 && errno == ENOENT);
    T_CHECK(P, "unbind-twice-einval", fails(unbind_dir("/tmp/bga/x"), EINVAL));
    T_CHECK(P, "bind-after-unbind-no-cycle", bind_dir(afd, "/tmp/bgb/c") == 0 &&
                                                 stat("/tmp/bgb/c/x", &st) == 0 &&
                                                 unbind_dir("/tmp/bgb/c") == 0);
    close(afd);
    close(bfd);
    T_CHECK(P, "unbound-tree-removable", rmdir("/tmp/bga/x") == 0 && rmdir("/tmp/bga") == 0 &&
                                             rmdir("/tmp/bgb/c") == 0 && rmdir("/tmp/bgb") == 0);
    /* the earlier test's bind goes too, so the tree ends as it began */
    T_CHECK(P, "unbind-earlier-bind", unbind_dir("/tmp/bmp") == 0 && rmdir("/tmp/bmp") == 0);
}

int main(void)
{
    test_devices();
    test_procfs();
    test_bind();
    test_bind_graph_and_unbind();
    return t_failures ? 1 : 0;
}
