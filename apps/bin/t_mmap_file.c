/*
 * t_mmap_file - fd-backed mappings: a private mapping of a tmpfs file reads the file, bytes
 * past its end read zero, writes stay private (the file and a second mapping keep the old
 * bytes); closing the fd does not end the mapping; bad offsets and kinds fail the
 * documented way; the framebuffer device maps shared and a pixel written is read back.
 * Only tmpfs files map: procfs files and character devices are ENODEV (issue 17: a procfs
 * mapping used to panic the kernel on first touch).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <spindle/limits.h>
#include "t_check.h"

#define P "t_mmap_file"
#define PG 4096UL
#define FILE_BYTES (3 * PG + 100)
#define PATH "/tmp/t_mmap_file.dat"

static unsigned char pattern(size_t i)
{
    return (unsigned char)(i * 7 + (i >> 12));
}

static int make_file(void)
{
    static unsigned char buf[FILE_BYTES];
    for (size_t i = 0; i < FILE_BYTES; i++)
        buf[i] = pattern(i);
    int fd = open(PATH, O_CREAT | O_RDWR | O_TRUNC);
    if (fd < 0)
        return -1;
    if (write(fd, buf, FILE_BYTES) != (ssize_t)FILE_BYTES) {
        close(fd);
        return -1;
    }
    return fd;
}

static void check_file_mapping(void)
{
    int fd = make_file();
    T_CHECK(P, "file-created", fd >= 0);
    if (fd < 0)
        return;
    unsigned char *m = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    T_CHECK(P, "mmap-file-private", m != MAP_FAILED);
    if (m == MAP_FAILED) {
        close(fd);
        return;
    }
    int same = 1;
    for (size_t i = 0; i < FILE_BYTES; i++)
        same &= m[i] == pattern(i);
    T_CHECK(P, "mapping-reads-the-file", same);
    int zero = 1;
    for (size_t i = FILE_BYTES; i < 4 * PG; i++)
        zero &= m[i] == 0;
    T_CHECK(P, "bytes-past-end-read-zero", zero);
    m[10] = (unsigned char)~pattern(10);
    m[2 * PG] = 0xAB;
    unsigned char back[16];
    lseek(fd, 0, SEEK_SET);
    T_CHECK(P, "writes-stay-private-file-unchanged",
            read(fd, back, sizeof back) == (ssize_t)sizeof back && back[10] == pattern(10));
    unsigned char *m2 = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 2 * PG);
    T_CHECK(P, "offset-mapping-sees-file-not-other-mapping",
            m2 != MAP_FAILED && m2[0] == pattern(2 * PG));
    close(fd);
    T_CHECK(P, "mapping-outlives-close", m[10] == (unsigned char)~pattern(10) && m[11] == pattern(11));
    munmap(m, 4 * PG);
    if (m2 != MAP_FAILED)
        munmap(m2, PG);

    fd = open(PATH, O_RDONLY);
    errno = 0;
    T_CHECK(P, "unaligned-offset-einval",
            mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 100) == MAP_FAILED && errno == EINVAL);
    errno = 0;
    T_CHECK(P, "shared-file-mapping-enodev",
            mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED && errno == ENODEV);
    close(fd);
    errno = 0;
    T_CHECK(P, "closed-fd-ebadf",
            mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED && errno == EBADF);
    unlink(PATH);
}

/* mmap of path (read-only, private) must fail with ENODEV and leave nothing mapped. */
static int maps_enodev(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    errno = 0;
    unsigned char *m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    int ok = m == MAP_FAILED && errno == ENODEV;
    if (m != MAP_FAILED) {
        /* Before the fix the kernel read the page through a file object procfs never
         * opened: let it touch it, as the issue did (read into the mapping). */
        int z = open("/dev/zero", O_RDONLY);
        if (z >= 0) {
            (void)read(z, m, 16);
            close(z);
        }
        munmap(m, PG);
    }
    close(fd);
    return ok;
}

static void check_unmappable(void)
{
    T_CHECK(P, "mmap-procfs-file-enodev", maps_enodev("/proc/self/status"));
    T_CHECK(P, "mmap-proc-system-enodev", maps_enodev("/proc/system"));
    T_CHECK(P, "mmap-char-device-enodev", maps_enodev("/dev/zero"));
    /* the kernel itself touching a tmpfs mapping (a read into it) still works */
    int fd = make_file();
    unsigned char *m = fd >= 0 ? mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0)
                               : MAP_FAILED;
    int z = open("/dev/zero", O_RDONLY);
    T_CHECK(P, "kernel-read-into-file-mapping",
            m != MAP_FAILED && z >= 0 && m[1] == pattern(1) && read(z, m, 16) == 16 &&
                m[0] == 0 && m[15] == 0 && m[16] == pattern(16));
    if (m != MAP_FAILED)
        munmap(m, PG);
    if (z >= 0)
        close(z);
    if (fd >= 0)
        close(fd);
    unlink(PATH);
}

/* Issue 17: one-page MAP_FIXED mappings of /dev/fb0 were free of every check; millions of
 * them drained the kernel heap. Device windows now count against the process limit and
 * the region cap like any mapping. */
static void check_device_mapping_limits(int fd)
{
    meminfo_t before, during;
    sys_meminfo(&before);
    unsigned char *base = (unsigned char *)0x200000000000ULL;
    unsigned n = 0;
    int refused = 0;
    /* every other page, so no two mappings could ever be one region */
    for (; n < SPINDLE_REGIONS_PER_PROCESS_MAX + 64; n++) {
        void *m = mmap(base + 2 * PG * n, PG, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0);
        if (m == MAP_FAILED) {
            refused = errno == ENOMEM;
            break;
        }
        if (n == 0) {
            sys_meminfo(&during);
        }
    }
    T_CHECK(P, "device-mapping-counts-mapped-pages",
            n > 0 && during.proc_mapped_pages == before.proc_mapped_pages + 1);
    T_CHECK(P, "device-mapping-storm-enomem", refused && n <= SPINDLE_REGIONS_PER_PROCESS_MAX);
    munmap(base, 2 * PG * (n + 1));
    meminfo_t after;
    sys_meminfo(&after);
    T_CHECK(P, "device-mapping-storm-gives-back",
            after.proc_mapped_pages == before.proc_mapped_pages);
}

static void check_framebuffer(void)
{
    int fd = open("/dev/fb0", O_RDWR);
    fb_info_t info;
    if (fd < 0 || sys_ioctl((uint64_t)fd, IOCTL_FB_INFO, &info, sizeof info) < 0) {
        printf("t_mmap_file: no framebuffer here; fb cases skipped\n");
        if (fd >= 0)
            close(fd);
        return;
    }
    errno = 0;
    T_CHECK(P, "framebuffer-private-einval",
            mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED && errno == EINVAL);
    errno = 0;
    T_CHECK(P, "framebuffer-past-end-einval",
            mmap(NULL, info.size + 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED &&
                errno == EINVAL);
    volatile uint32_t *px = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    T_CHECK(P, "framebuffer-maps-shared", px != MAP_FAILED);
    if (px != MAP_FAILED) {
        size_t last = (size_t)(info.height - 1) * info.pitch + info.width - 1;
        uint32_t old = px[last];
        px[last] = 0x00123456;
        T_CHECK(P, "framebuffer-pixel-reads-back", px[last] == 0x00123456);
        px[last] = old;
        munmap((void *)px, info.size);
    }
    check_device_mapping_limits(fd);
    close(fd);
}

int main(void)
{
    check_file_mapping();
    check_unmappable();
    check_framebuffer();
    return t_failures ? 1 : 0;
}
