/* free - memory of the machine (pages the kernel manages, in use, free, kernel heap) and
 * of this process's limit, in KiB, from meminfo(). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

int main(void)
{
    meminfo_t m;
    if (meminfo(&m) < 0) {
        fprintf(stderr, "free: %s\n", strerror(errno));
        return 1;
    }
    unsigned long kib = (unsigned long)(m.page_size / 1024);
    unsigned long total = (unsigned long)m.total_pages * kib;
    unsigned long avail = (unsigned long)m.free_pages * kib;
    printf("%-8s %12s %12s %12s\n", "", "total KiB", "used KiB", "free KiB");
    printf("%-8s %12lu %12lu %12lu\n", "memory", total, total - avail, avail);
    printf("kernel heap: %lu KiB in use, %lu KiB reserved for the kernel\n",
           (unsigned long)(m.heap_bytes / 1024), (unsigned long)m.reserve_pages * kib);
    printf("per-process limit: %lu KiB\n", (unsigned long)m.proc_limit_pages * kib);
    return 0;
}
