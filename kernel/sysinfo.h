/*
 * sysinfo.h - a text summary of the machine for user space (/proc/system, read by the
 * `sysinfo` program): CPUs, firmware, ACPI OEM (the framebuffer mode is /dev/fb0's). Facts
 * from the boot information are copied at boot, since the loader's memory may be reused.
 */
#ifndef KERNEL_SYSINFO_H
#define KERNEL_SYSINFO_H

#include <stddef.h>
#include <spindle/boot.h>

/* Keeps the firmware vendor and revision; call once at boot. */
void sysinfo_record(const boot_info_t *bi);
/* "key: value" lines into buf (cap bytes, NUL-terminated); returns the length. */
size_t sysinfo_format(char *buf, size_t cap);

#endif
