/*
 * sysinfo.c - the machine summary of /proc/system (see sysinfo.h). The firmware's vendor
 * string is copied with a bound of its own (not trusting the terminator); the output is
 * always cut to fit the caller's buffer.
 */
#include "kernel/sysinfo.h"
#include "kernel/acpi/acpi.h"
#include "kernel/arch/apic.h"
#include "kernel/arch/smp.h"
#include "kernel/lib/format.h"
#include "kernel/lib/string.h"
#include "sched/sched.h"

static char fw_vendor[64];
static uint32_t fw_revision;

void sysinfo_record(const boot_info_t *bi)
{
    size_t n = strnlen(bi->firmware_vendor, sizeof bi->firmware_vendor);
    if (n >= sizeof fw_vendor)
        n = sizeof fw_vendor - 1;
    memcpy(fw_vendor, bi->firmware_vendor, n);
    fw_vendor[n] = '\0';
    fw_revision = bi->firmware_revision;
}

size_t sysinfo_format(char *buf, size_t cap)
{
    size_t enabled = 0;
    for (size_t i = 0; i < acpi_info.cpu_count && i < ACPI_MAX_CPUS; i++)
        enabled += acpi_info.cpus[i].enabled;
    int n = snprintf(buf, cap,
                     "cpus: %zu (enabled in the ACPI MADT)\n"
                     "cpus_online: %u\n"
                     "firmware: %s, revision 0x%x\n"
                     "acpi_oem: %s\n",
                     enabled, smp_online_count(), fw_vendor[0] ? fw_vendor : "unknown", fw_revision,
                     acpi_info.present ? acpi_info.oem_id : "none");
    if (n < 0)
        return 0;
    size_t len = (size_t)n < cap ? (size_t)n : cap - 1;
    /* One line per scheduling CPU: how busy it was and how often it pulled work. */
    for (unsigned i = 0; i < SCHED_MAX_CPUS && len + 1 < cap; i++) {
        const sched_cpu_t *c = sched_cpu(i);
        if (!c->online)
            continue;
        int k = snprintf(buf + len, cap - len, "cpu%u: ticks %llu, switches %llu, pulls %llu\n",
                         i, (unsigned long long)apic_timer_ticks_cpu(i), (unsigned long long)c->switches,
                         (unsigned long long)c->steals);
        if (k < 0)
            break;
        len += (size_t)k < cap - len ? (size_t)k : cap - len - 1;
    }
    return len;
}
