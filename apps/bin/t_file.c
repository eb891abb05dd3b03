/*
 * t_file - files and directories through the VFS: every path call and its documented
 * errors, hostile paths, offsets shared by dup, a 10 MiB file checked by checksum, many
 * files in one directory, a deep tree, links, removal while open, and ENOSPC on a full
 * tmpfs with the kernel still working afterwards; a read or getdents whose copy-out faults
 * takes nothing (offset and cookie stay).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spindle.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "t_check.h"

#define P "t_file"

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}

static int fails(long r, int code)
{
    return r == -1 && errno == code;
}

static void test_open_errors(void)
{
    static char longname[300], longpath[5000];
    memcpy(longname, "/tmp/", 5);
    memset(longname + 5, 'n', 256); /* one byte over VFS_NAME_MAX */
    for (int i = 0; i < 4999; i++)
        longpath[i] = (i % 2) ? 'a' : '/';
    T_CHECK(P, "missing-enoent", fails(open("/no/such", O_RDONLY), ENOENT));
    T_CHECK(P, "empty-path-enoent", fails(open("", O_RDONLY), ENOENT));
    T_CHECK(P, "file-as-dir-enotdir", fails(open("/etc/motd/x", O_RDONLY), ENOTDIR));
    T_CHECK(P, "trailing-slash-on-file-enotdir", fails(open("/etc/motd/", O_RDONLY), ENOTDIR));
    T_CHECK(P, "create-trailing-slash-on-file-enotdir",
            fails(open("/etc/motd/", O_CREAT | O_RDONLY), ENOTDIR));
    T_CHECK(P, "create-file-with-trailing-slash-eisdir",
            fails(open("/tmp/newfile/", O_CREAT | O_WRONLY), EISDIR));
    T_CHECK(P, "dir-for-writing-eisdir", fails(open("/etc", O_WRONLY), EISDIR));
    T_CHECK(P, "o-directory-on-file-enotdir",
            fails(open("/etc/motd", O_RDONLY | O_DIRECTORY), ENOTDIR));
    T_CHECK(P, "excl-existing-eexist", fails(open("/etc/motd", O_CREAT | O_EXCL | O_RDWR), EEXIST));
    T_CHECK(P, "long-name-enametoolong", fails(open(longname, O_RDONLY), ENAMETOOLONG));
    T_CHECK(P, "long-path-enametoolong", fails(open(longpath, O_RDONLY), ENAMETOOLONG));
    T_CHECK(P, "unknown-flag-einval", fails(open("/etc/motd", 0x40000000), EINVAL));
    T_CHECK(P, "both-access-modes-einval", fails(open("/etc/motd", 3), EINVAL));
    T_CHECK(P, "kernel-path-efault", fails(open((const char *)T_KERNEL_ADDR, O_RDONLY), EFAULT));
    T_CHECK(P, "null-path-efault", fails(open(NULL, O_RDONLY), EFAULT));
    /* A path that runs to the end of a mapped page with no NUL: EFAULT, no kernel fault. */
    char *pg = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int edge_ok = 0;
    if (pg != MAP_FAILED && munmap(pg + 4096, 4096) == 0) {
        memset(pg, 'a', 4096);
        pg[0] = '/';
        edge_ok = fails(open(pg + 100, O_RDONLY), EFAULT) && fails(open(pg + 4090, O_RDONLY), EFAULT);
        munmap(pg, 4096);
    }
    T_CHECK(P, "unterminated-path-at-page-edge-efault", edge_ok);
    T_CHECK(P, "close-bad-fd-ebadf", fails(close(77), EBADF) && fails(close(-1), EBADF));
    char b[4];
    T_CHECK(P, "read-bad-fd-ebadf", fails(read(40, b, 1), EBADF));
}

static void test_root_archive(void)
{
    char buf[64] = { 0 };
    int fd = open("/etc/motd", O_RDONLY);
    T_CHECK(P, "motd-opens", fd >= 0);
    long n = read(fd, buf, sizeof buf - 1);
    T_CHECK(P, "motd-read-from-archive", n > 0 && strncmp(buf, "Welcome to Spindle", 18) == 0);
    T_CHECK(P, "read-at-eof-is-0", read(fd, buf, sizeof buf) == 0);
    T_CHECK(P, "write-on-readonly-ebadf", fails(write(fd, "x", 1), EBADF));
    T_CHECK(P, "seek-set-rereads", lseek(fd, 0, SEEK_SET) == 0 && read(fd, buf, 7) == 7 &&
            memcmp(buf, "Welcome", 7) == 0);
    T_CHECK(P, "seek-negative-einval", fails(lseek(fd, -100, SEEK_SET), EINVAL));
    T_CHECK(P, "seek-bad-origin-einval", fails(lseek(fd, 0, 7), EINVAL));
    close(fd);
    T_CHECK(P, "dotdot-above-root-stays", open("/../../etc/./motd", O_RDONLY) >= 0);
    struct stat st;
    T_CHECK(P, "stat-motd", stat("/etc/motd", &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 10);
    T_CHECK(P, "stat-dir", stat("/bin", &st) == 0 && S_ISDIR(st.st_mode));
    T_CHECK(P, "stat-missing-enoent", fails(stat("/nope", &st), ENOENT));
    fd = open("/bin", O_RDONLY);
    T_CHECK(P, "read-dir-eisdir", fd >= 0 && fails(read(fd, buf, 4), EISDIR));
    close(fd);
    fd = open("/etc/motd", O_RDONLY);
    T_CHECK(P, "getdents-on-file-enotdir",
            sys_getdents(fd, buf, sizeof buf) == ERR && sys_errno() == ENOTDIR);
    close(fd);
}

static void test_create_write_read(void)
{
    int fd = open("/tmp/a.txt", O_CREAT | O_RDWR | O_TRUNC);
    T_CHECK(P, "create", fd >= 0);
    T_CHECK(P, "write", write(fd, "hello world", 11) == 11);
    T_CHECK(P, "seek-end", lseek(fd, 0, SEEK_END) == 11);
    T_CHECK(P, "seek-cur", lseek(fd, -5, SEEK_CUR) == 6);
    char buf[16] = { 0 };
    T_CHECK(P, "read-back", read(fd, buf, 16) == 5 && memcmp(buf, "world", 5) == 0);
    T_CHECK(P, "write-past-end-makes-hole", lseek(fd, 100, SEEK_SET) == 100 &&
            write(fd, "Z", 1) == 1);
    struct stat st;
    T_CHECK(P, "fstat-size", fstat(fd, &st) == 0 && st.st_size == 101);
    lseek(fd, 50, SEEK_SET);
    T_CHECK(P, "hole-reads-zero", read(fd, buf, 4) == 4 && !buf[0] && !buf[3]);
    close(fd);
    fd = open("/tmp/a.txt", O_WRONLY | O_APPEND);
    write(fd, "END", 3);
    close(fd);
    T_CHECK(P, "append-at-end", stat("/tmp/a.txt", &st) == 0 && st.st_size == 104);
    fd = open("/tmp/a.txt", O_WRONLY | O_TRUNC);
    close(fd);
    T_CHECK(P, "trunc-empties", stat("/tmp/a.txt", &st) == 0 && st.st_size == 0);
    int a = open("/tmp/a.txt", O_RDWR), b = dup(a);
    write(a, "abcdef", 6);
    T_CHECK(P, "dup-shares-offset", lseek(b, 0, SEEK_CUR) == 6);
    int c = open("/tmp/a.txt", O_RDONLY);
    T_CHECK(P, "separate-open-own-offset", lseek(c, 0, SEEK_CUR) == 0);
    T_CHECK(P, "dup2-returns-newfd", dup2(c, 20) == 20 && lseek(20, 0, SEEK_CUR) == 0);
    T_CHECK(P, "dup2-same-fd", dup2(20, 20) == 20);
    T_CHECK(P, "dup2-bad-old-ebadf", fails(dup2(55, 21), EBADF));
    T_CHECK(P, "dup2-bad-new-ebadf", fails(dup2(c, 64), EBADF) && fails(dup2(c, -3), EBADF));
    T_CHECK(P, "dup-bad-ebadf", fails(dup(63), EBADF));
    close(a); close(b); close(c); close(20);
    int fds[70], n = 0, last;
    while ((last = open("/etc/motd", O_RDONLY)) >= 0 && n < 70)
        fds[n++] = last;
    T_CHECK(P, "emfile-past-limit", last == -1 && errno == EMFILE && n > 50);
    for (int i = 0; i < n; i++)
        close(fds[i]);
    T_CHECK(P, "fds-reusable-after-emfile", (a = open("/etc/motd", O_RDONLY)) >= 0 && close(a) == 0);
}

static void test_big_file(void)
{
    enum { CHUNK = 65536, TOTAL = 10 << 20 };
    uint8_t *buf = malloc(CHUNK);
    int fd = open("/tmp/big", O_CREAT | O_RDWR | O_TRUNC);
    uint64_t h1 = 0xcbf29ce484222325ULL, h2 = h1;
    int ok = buf && fd >= 0;
    for (int off = 0; ok && off < TOTAL; off += CHUNK) {
        for (int i = 0; i < CHUNK; i += 4) {
            uint32_t v = (uint32_t)(off + i) * 2654435761u;
            memcpy(buf + i, &v, 4);
        }
        h1 = fnv(h1, buf, CHUNK);
        ok = write(fd, buf, CHUNK) == CHUNK;
    }
    T_CHECK(P, "10mib-written", ok);
    ok = ok && lseek(fd, 0, SEEK_SET) == 0;
    long got, total = 0;
    while (ok && (got = read(fd, buf, CHUNK)) > 0) {
        h2 = fnv(h2, buf, (size_t)got);
        total += got;
    }
    T_CHECK(P, "10mib-read-back-checksum", ok && total == TOTAL && h1 == h2);
    close(fd);
    T_CHECK(P, "10mib-removed", unlink("/tmp/big") == 0);
    free(buf);
}

static void test_directories(void)
{
    T_CHECK(P, "mkdir", mkdir("/tmp/d", 0) == 0);
    T_CHECK(P, "mkdir-existing-eexist", fails(mkdir("/tmp/d", 0), EEXIST));
    T_CHECK(P, "mkdir-missing-parent-enoent", fails(mkdir("/tmp/x/y", 0), ENOENT));
    char name[64];
    int ok = 1;
    for (int i = 0; i < 500 && ok; i++) {
        snprintf(name, sizeof name, "/tmp/d/file%03d", i);
        int fd = open(name, O_CREAT | O_EXCL | O_WRONLY);
        ok = fd >= 0 && write(fd, name, 5) == 5 && close(fd) == 0;
    }
    T_CHECK(P, "500-files-in-one-dir", ok);
    DIR *d = opendir("/tmp/d");
    int count = 0, seen0 = 0, seen499 = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        count++;
        seen0 |= strcmp(e->d_name, "file000") == 0;
        seen499 |= strcmp(e->d_name, "file499") == 0 && e->d_type == DT_REG;
    }
    if (d)
        closedir(d);
    T_CHECK(P, "readdir-lists-all-500", count == 500 && seen0 && seen499);
    T_CHECK(P, "remove-nonempty-enotempty", fails(rmdir("/tmp/d"), ENOTEMPTY));
    for (int i = 0; i < 500 && ok; i++) {
        snprintf(name, sizeof name, "/tmp/d/file%03d", i);
        ok = unlink(name) == 0;
    }
    T_CHECK(P, "remove-500", ok);
    T_CHECK(P, "remove-empty-dir", rmdir("/tmp/d") == 0);
    T_CHECK(P, "remove-missing-enoent", fails(unlink("/tmp/d"), ENOENT));
    T_CHECK(P, "remove-root-ebusy", fails(unlink("/"), EBUSY));
    T_CHECK(P, "remove-mountpoint-ebusy", fails(rmdir("/dev"), EBUSY));
    T_CHECK(P, "remove-dot-einval", fails(rmdir("/tmp/."), EINVAL));
    char buf[64];
    int fd = open("/bin", O_RDONLY);
    T_CHECK(P, "getdents-small-buffer-einval",
            fd >= 0 && sys_getdents(fd, buf, 8) == ERR && sys_errno() == EINVAL);
    close(fd);
}

static void test_deep_tree(void)
{
    int ok = mkdir("/tmp/deep", 0) == 0 && chdir("/tmp/deep") == 0;
    int depth = 0;
    for (; ok && depth < 1400; depth++)
        ok = mkdir("dd", 0) == 0 && chdir("dd") == 0;
    T_CHECK(P, "deep-tree-1400-levels", ok);
    T_CHECK(P, "relative-create-in-cwd", ok && close(open("leaf", O_CREAT | O_WRONLY)) == 0);
    static char path[4200];
    strcpy(path, "/tmp/deep");
    size_t len = strlen(path);
    while (len + 3 < 4095) {
        memcpy(path + len, "/dd", 4);
        len += 3;
    }
    struct stat st;
    T_CHECK(P, "path-near-limit-resolves", stat(path, &st) == 0 && S_ISDIR(st.st_mode));
    while (len < 4096 + 10)
        path[len++] = '/';
    path[len] = 0;
    T_CHECK(P, "path-over-limit-enametoolong", fails(stat(path, &st), ENAMETOOLONG));
    T_CHECK(P, "dotdot-walks-up", chdir("../../..") == 0 && stat("dd/dd/dd/leaf", &st) == 0);
    /* unwind: remove the whole chain from the bottom */
    chdir("/tmp/deep");
    for (int i = 0; i < depth; i++)
        chdir("dd");
    unlink("leaf");
    for (int i = 0; i < depth && ok; i++)
        ok = chdir("..") == 0 && rmdir("dd") == 0;
    T_CHECK(P, "deep-tree-removed", ok && chdir("/") == 0 && rmdir("/tmp/deep") == 0);
    T_CHECK(P, "chdir-to-file-enotdir", fails(chdir("/etc/motd"), ENOTDIR));
    const char *rel[] = { "bin/hello", NULL };
    pid_t pid = spawn(rel, NULL, "/", 0);
    int status = -1;
    T_CHECK(P, "spawn-relative-from-cwd", pid > 0 && waitpid(pid, &status, 0) == pid && status == 0);
    T_CHECK(P, "spawn-cwd-missing-enoent", fails(spawn(rel, NULL, "/nope", 0), ENOENT));
    T_CHECK(P, "spawn-cwd-file-enotdir", fails(spawn(rel, NULL, "/etc/motd", 0), ENOTDIR));
    T_CHECK(P, "chdir-missing-enoent", fails(chdir("/nope"), ENOENT));
}

static void test_links_and_removal(void)
{
    int fd = open("/tmp/l1", O_CREAT | O_RDWR | O_TRUNC);
    write(fd, "linked", 6);
    close(fd);
    struct stat st;
    T_CHECK(P, "link", link("/tmp/l1", "/tmp/l2") == 0 && stat("/tmp/l2", &st) == 0 &&
            st.st_nlink == 2 && st.st_size == 6);
    T_CHECK(P, "link-existing-eexist", fails(link("/tmp/l1", "/tmp/l2"), EEXIST));
    T_CHECK(P, "link-missing-enoent", fails(link("/tmp/none", "/tmp/l3"), ENOENT));
    T_CHECK(P, "link-dir-eperm", fails(link("/tmp", "/tmp/l3"), EPERM));
    T_CHECK(P, "link-across-fs-exdev", fails(link("/dev/null", "/tmp/l3"), EXDEV));
    unlink("/tmp/l1");
    char buf[8] = { 0 };
    fd = open("/tmp/l2", O_RDONLY);
    T_CHECK(P, "other-name-survives", fd >= 0 && read(fd, buf, 6) == 6 && !memcmp(buf, "linked", 6));
    T_CHECK(P, "removed-while-open", unlink("/tmp/l2") == 0 && fails(stat("/tmp/l2", &st), ENOENT));
    T_CHECK(P, "removed-file-stays-readable", lseek(fd, 0, SEEK_SET) == 0 && read(fd, buf, 6) == 6);
    close(fd);
    int dfd = open("/tmp", O_RDONLY | O_DIRECTORY);
    fd = openat(dfd, "rel", O_CREAT | O_WRONLY);
    T_CHECK(P, "openat-dirfd", fd >= 0 && stat("/tmp/rel", &st) == 0);
    close(fd);
    T_CHECK(P, "openat-file-dirfd-enotdir",
            fails(openat(open("/etc/motd", O_RDONLY), "x", O_RDONLY), ENOTDIR));
    T_CHECK(P, "openat-bad-dirfd-ebadf", fails(openat(50, "x", O_RDONLY), EBADF));
    T_CHECK(P, "openat-absolute-ignores-dirfd", openat(50, "/etc/motd", O_RDONLY) >= 0);
    unlink("/tmp/rel");
    close(dfd);
}

static void test_enospc(void)
{
    enum { CHUNK = 1 << 20 };
    char *buf = malloc(CHUNK);
    int fd = open("/tmp/fill", O_CREAT | O_WRONLY | O_TRUNC);
    long w = 0, total = 0;
    memset(buf, 'f', CHUNK);
    for (int i = 0; i < 2048 && (w = write(fd, buf, CHUNK)) == CHUNK; i++)
        total += w;
    if (w > 0 && w < CHUNK)
        w = write(fd, buf, CHUNK); /* the partial write came first; now nothing fits */
    T_CHECK(P, "full-tmpfs-enospc", w == -1 && errno == ENOSPC && total > (8 << 20));
    close(fd);
    T_CHECK(P, "remove-frees-space", unlink("/tmp/fill") == 0);
    fd = open("/tmp/after", O_CREAT | O_WRONLY);
    T_CHECK(P, "writes-work-after-enospc", fd >= 0 && write(fd, buf, 4096) == 4096);
    close(fd);
    unlink("/tmp/after");
    free(buf);
}

/* Issue 17: tmpfs's page index came from the kernel heap at 8 bytes per page of offset and
 * was charged to nothing: nine 1-byte writes at 2^36 took all RAM and the kernel's reserve,
 * and afterwards even remove() failed. Now each costs a few pages, charged to tmpfs. */
static void test_sparse_writes(void)
{
    meminfo_t before, after;
    sys_meminfo(&before);
    char path[32];
    int wrote = 0;
    for (int i = 0; i < 9; i++) {
        snprintf(path, sizeof path, "/tmp/sparse%d", i);
        int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC);
        if (fd < 0)
            break;
        wrote += lseek(fd, (off_t)(1ULL << 36), SEEK_SET) == (off_t)(1ULL << 36) &&
                 write(fd, "x", 1) == 1;
        close(fd);
    }
    sys_meminfo(&after);
    T_CHECK(P, "sparse-write-at-2-36-costs-pages-not-heap",
            wrote == 9 && after.heap_bytes < before.heap_bytes + 64 * 1024 &&
                before.free_pages - after.free_pages < 9 * 8 + 64);
    struct stat st;
    T_CHECK(P, "sparse-file-size", stat("/tmp/sparse0", &st) == 0 &&
                                       (uint64_t)st.st_size == (1ULL << 36) + 1);
    T_CHECK(P, "spawn-works-after-sparse-writes", t_run1("/bin/t_child", "7") == 7);
    int removed = 0;
    for (int i = 0; i < 9; i++) {
        snprintf(path, sizeof path, "/tmp/sparse%d", i);
        removed += unlink(path) == 0;
    }
    T_CHECK(P, "remove-after-sparse-writes", removed == 9);
}

static void test_stdio(void)
{
    FILE *f = fopen("/tmp/s.txt", "w");
    T_CHECK(P, "fopen-w", f != NULL);
    fprintf(f, "line %d\n", 1);
    fprintf(f, "line %s\n", "two");
    T_CHECK(P, "fclose", fclose(f) == 0);
    char line[32];
    f = fopen("/tmp/s.txt", "r");
    T_CHECK(P, "fgets-1", f && fgets(line, sizeof line, f) && strcmp(line, "line 1\n") == 0);
    T_CHECK(P, "fgets-2", f && fgets(line, sizeof line, f) && strcmp(line, "line two\n") == 0);
    T_CHECK(P, "fgets-eof", f && !fgets(line, sizeof line, f) && feof(f));
    if (f)
        fclose(f);
    T_CHECK(P, "fopen-missing-null", fopen("/tmp/none", "r") == NULL && errno == ENOENT);
    unlink("/tmp/s.txt");
}

/* Issue 17: a file read into unmapped memory returned EFAULT but moved the offset, and a
 * getdents into it skipped the entries it had packed. */
static void test_copy_fault_takes_nothing(void)
{
    void *bad = t_unmapped_page();
    int fd = open("/tmp/t_file_fault", O_CREAT | O_RDWR | O_TRUNC);
    char buf[16];
    write(fd, "0123456789", 10);
    lseek(fd, 2, SEEK_SET);
    int faulted = bad && fails(read(fd, bad, 4), EFAULT);
    T_CHECK(P, "file-read-fault-keeps-offset",
            faulted && lseek(fd, 0, SEEK_CUR) == 2 && read(fd, buf, 3) == 3 &&
                memcmp(buf, "234", 3) == 0);
    close(fd);
    unlink("/tmp/t_file_fault");

    static uint8_t first[4096], again[4096];
    int d1 = open("/bin", O_RDONLY | O_DIRECTORY);
    int d2 = open("/bin", O_RDONLY | O_DIRECTORY);
    uint64_t n1 = sys_getdents((uint64_t)d1, first, sizeof first);
    uint64_t r = bad ? sys_getdents((uint64_t)d2, bad, 4096) : 0;
    int same = r == ERR && sys_errno() == EFAULT &&
               sys_getdents((uint64_t)d2, again, sizeof again) == n1 && n1 != ERR && n1 > 0 &&
               memcmp(first, again, (size_t)n1) == 0;
    T_CHECK(P, "getdents-fault-skips-nothing", same);
    close(d1);
    close(d2);
}

int main(void)
{
    test_open_errors();
    test_root_archive();
    test_create_write_read();
    test_big_file();
    test_directories();
    test_deep_tree();
    test_links_and_removal();
    test_enospc();
    test_sparse_writes();
    test_stdio();
    test_copy_fault_takes_nothing();
    return t_failures ? 1 : 0;
}
