/*
 * sysinfo.h - text summaries of the machine for user space: /proc/system (read by the
 * `sysinfo` program: CPUs, firmware, ACPI OEM; the framebuffer mode is /dev/fb0's) and the
 * Linux-format /proc/meminfo, /proc/uptime, /proc/cpuinfo and /proc/stat that Linux
 * programs (busybox free, ps, top) parse.
 * Facts from the boot information are copied at boot, since the loader's memory may be
 * reused.
 */
#ifndef KERNEL_SYSINFO_H
#define KERNEL_SYSINFO_H

#include <stddef.h>
#include <spindle/boot.h>
#include "sched/sched.h"

/* Room for the whole text: the header lines (the vendor is at most 63 bytes) stay under
 * 256 bytes, and one "cpuN: ticks T, switches S, pulls P" line is at most 92 bytes with
 * three 20-digit counters. Readers must size their buffer by this, not by a guess: the
 * last CPU's line was once cut at 256 bytes on a 4-CPU machine. */
#define SYSINFO_TEXT_MAX (256 + SYSINFO_CPU_LINE_MAX * SCHED_MAX_CPUS)
#define SYSINFO_CPU_LINE_MAX 96

/* Keeps the firmware vendor and revision; call once at boot. */
void sysinfo_record(const boot_info_t *bi);
/* "key: value" lines into buf (cap bytes, NUL-terminated); returns the length. */
size_t sysinfo_format(char *buf, size_t cap);

/* The Linux files, same contract as sysinfo_format; each *_MAX is room for the whole text
 * (cpuinfo: one block per online CPU, SYSINFO_CPUINFO_BLOCK_MAX bytes at most each). */
#define SYSINFO_MEMINFO_MAX 512
#define SYSINFO_UPTIME_MAX 64
#define SYSINFO_CPUINFO_BLOCK_MAX 768
#define SYSINFO_STAT_MAX (128 + 128 * (SCHED_MAX_CPUS + 1))
size_t sysinfo_cpuinfo_max(void);
size_t sysinfo_format_stat(char *buf, size_t cap);
size_t sysinfo_format_meminfo(char *buf, size_t cap);
size_t sysinfo_format_uptime(char *buf, size_t cap);
size_t sysinfo_format_cpuinfo(char *buf, size_t cap);

#endif
