/*
 * sysinfo.h - a text summary of the machine for user space (/proc/system, read by the
 * `sysinfo` program): CPUs, firmware, ACPI OEM (the framebuffer mode is /dev/fb0's). Facts
 * from the boot information are copied at boot, since the loader's memory may be reused.
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

#endif
