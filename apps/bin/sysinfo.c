/*
 * sysinfo - a summary of the machine: CPUs, memory, firmware and framebuffer mode.
 * The kernel's own figures come from /proc/system ("key: value" lines: cpus, firmware,
 * acpi_oem) when it exists; the CPU model is read with CPUID, memory with meminfo() and the
 * framebuffer mode from /dev/fb0 (IOCTL_FB_INFO). A source that is missing is named as
 * unknown rather than guessed.
 */
#include <errno.h>
#include <fcntl.h>
#include <spindle.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void cpuid(uint32_t leaf, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(0));
}

/* The CPU's brand string (leaves 0x80000002..4), leading blanks skipped. */
static void cpu_brand(char out[49])
{
    uint32_t r[4];
    cpuid(0x80000000, r);
    if (r[0] < 0x80000004) {
        strcpy(out, "unknown model");
        return;
    }
    for (uint32_t i = 0; i < 3; i++) {
        cpuid(0x80000002 + i, r);
        memcpy(out + 16 * i, r, 16);
    }
    out[48] = '\0';
    char *p = out;
    while (*p == ' ')
        p++;
    memmove(out, p, strlen(p) + 1);
}

/* Prints /proc/system as it is; 0 when it does not exist. */
static int show_proc_system(void)
{
    static char text[2048];
    int fd = open("/proc/system", O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0)
        return 0;
    text[n] = '\0';
    fputs(text, stdout);
    if (text[n - 1] != '\n')
        putchar('\n');
    return 1;
}

static void show_memory(void)
{
    meminfo_t m;
    if (meminfo(&m) < 0) {
        printf("memory: unknown (%s)\n", strerror(errno));
        return;
    }
    uint64_t total = m.total_pages * m.page_size, avail = m.free_pages * m.page_size;
    printf("memory: %llu MiB managed, %llu MiB free\n", (unsigned long long)(total >> 20),
           (unsigned long long)(avail >> 20));
}

static void show_framebuffer(void)
{
    static const char *const formats[] = { "none", "RGBX", "BGRX", "bitmask" };
    fb_info_t fb;
    int fd = open("/dev/fb0", O_RDONLY);
    if (fd < 0 || sys_ioctl((uint64_t)fd, IOCTL_FB_INFO, &fb, sizeof fb) != 0) {
        printf("framebuffer: none\n");
        if (fd >= 0)
            close(fd);
        return;
    }
    close(fd);
    printf("framebuffer: %ux%u, %s, pitch %u pixels, at 0x%llx\n", fb.width, fb.height,
           fb.format < 4 ? formats[fb.format] : "?", fb.pitch, (unsigned long long)fb.phys_base);
}

int main(void)
{
    char brand[49];
    cpu_brand(brand);
    int kernel_facts = show_proc_system();
    printf("cpu: %s\n", brand);
    if (!kernel_facts)
        printf("cpus, firmware: unknown (no /proc/system)\n");
    show_memory();
    show_framebuffer();
    uint64_t s = uptime_ns() / 1000000000ULL;
    printf("uptime: %llu s\n", (unsigned long long)s);
    return 0;
}
