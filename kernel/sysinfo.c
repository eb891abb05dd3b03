/*
 * sysinfo.c - the machine summaries of /proc (see sysinfo.h). The firmware's vendor
 * string is copied with a bound of its own (not trusting the terminator); the output is
 * always cut to fit the caller's buffer.
 */
#include "kernel/sysinfo.h"
#include "kernel/acpi/acpi.h"
#include "kernel/arch/apic.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/smp.h"
#include "kernel/lib/format.h"
#include "kernel/lib/string.h"
#include "kernel/time/clock.h"
#include "mm/hhdm.h"
#include "mm/pmm.h"
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

/* Appends one formatted piece at *len, keeping the text cut to cap (NUL-terminated). */
static void text_append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void text_append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
    if (*len + 1 >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + *len, cap - *len, fmt, ap);
    va_end(ap);
    if (k > 0)
        *len += (size_t)k < cap - *len ? (size_t)k : cap - *len - 1;
}

/* Linux's field names; there is no swap and no page cache, so what is free is available. */
size_t sysinfo_format_meminfo(char *buf, size_t cap)
{
    unsigned long total = (unsigned long)pmm_total_pages() * (PAGE_SIZE / 1024);
    unsigned long free = (unsigned long)pmm_free_pages() * (PAGE_SIZE / 1024);
    size_t len = 0;
    buf[0] = '\0';
    text_append(buf, cap, &len,
                "MemTotal:       %8lu kB\nMemFree:        %8lu kB\nMemAvailable:   %8lu kB\n"
                "Buffers:        %8lu kB\nCached:         %8lu kB\nSwapCached:     %8lu kB\n"
                "Shmem:          %8lu kB\nSwapTotal:      %8lu kB\nSwapFree:       %8lu kB\n",
                total, free, free, 0ul, 0ul, 0ul, 0ul, 0ul, 0ul);
    return len;
}

/* CPU i's idle thread's running time in ns (0 for a CPU that is not online). Takes the
 * scheduler lock: a running thread's time is read under it. */
static uint64_t cpu_idle_ns(unsigned i)
{
    const sched_cpu_t *c = sched_cpu(i);
    if (!c->online || !c->idle)
        return 0;
    uint64_t f = sched_lock();
    uint64_t ns = sched_thread_cpu_ns(c->idle);
    sched_unlock(f);
    return ns;
}

/* Seconds since boot and the idle threads' summed CPU time, both with two decimals. */
size_t sysinfo_format_uptime(char *buf, size_t cap)
{
    uint64_t up = clock_now_ns() / 10000000, idle = 0;
    for (unsigned i = 0; i < SCHED_MAX_CPUS; i++)
        idle += cpu_idle_ns(i);
    idle /= 10000000;
    size_t len = 0;
    buf[0] = '\0';
    text_append(buf, cap, &len, "%llu.%02llu %llu.%02llu\n", (unsigned long long)(up / 100),
                (unsigned long long)(up % 100), (unsigned long long)(idle / 100),
                (unsigned long long)(idle % 100));
    return len;
}

/* Linux's /proc/stat in 100 Hz ticks: a CPU's time not spent in its idle thread counts as
 * user time (the kernel does not split user from system time); ctxt sums the switches. */
size_t sysinfo_format_stat(char *buf, size_t cap)
{
    uint64_t now = clock_now_ns(), busy[SCHED_MAX_CPUS], idle[SCHED_MAX_CPUS];
    uint64_t busy_all = 0, idle_all = 0, switches = 0;
    for (unsigned i = 0; i < SCHED_MAX_CPUS; i++) {
        uint64_t ns = cpu_idle_ns(i);
        idle[i] = ns / 10000000;
        busy[i] = sched_cpu(i)->online && now > ns ? (now - ns) / 10000000 : 0;
        busy_all += busy[i];
        idle_all += idle[i];
        switches += sched_cpu(i)->switches;
    }
    size_t len = 0;
    buf[0] = '\0';
    text_append(buf, cap, &len, "cpu  %llu 0 0 %llu 0 0 0 0 0 0\n", (unsigned long long)busy_all,
                (unsigned long long)idle_all);
    for (unsigned i = 0; i < SCHED_MAX_CPUS; i++)
        if (sched_cpu(i)->online)
            text_append(buf, cap, &len, "cpu%u %llu 0 0 %llu 0 0 0 0 0 0\n", i,
                        (unsigned long long)busy[i], (unsigned long long)idle[i]);
    text_append(buf, cap, &len, "intr 0\nctxt %llu\nbtime 0\nprocs_blocked 0\n",
                (unsigned long long)switches);
    return len;
}

/* CPUID leaf 1 bits under Linux's names: EDX first (bit, name), then ECX. */
static const struct { uint8_t reg, bit; const char *name; } cpu_flags[] = {
    { 3, 0, "fpu" }, { 3, 4, "tsc" }, { 3, 5, "msr" }, { 3, 6, "pae" }, { 3, 8, "cx8" },
    { 3, 9, "apic" }, { 3, 15, "cmov" }, { 3, 16, "pat" }, { 3, 19, "clflush" },
    { 3, 23, "mmx" }, { 3, 24, "fxsr" }, { 3, 25, "sse" }, { 3, 26, "sse2" },
    { 2, 0, "pni" }, { 2, 1, "pclmulqdq" }, { 2, 9, "ssse3" }, { 2, 12, "fma" },
    { 2, 13, "cx16" }, { 2, 19, "sse4_1" }, { 2, 20, "sse4_2" }, { 2, 22, "movbe" },
    { 2, 23, "popcnt" }, { 2, 25, "aes" }, { 2, 26, "xsave" }, { 2, 28, "avx" },
    { 2, 29, "f16c" }, { 2, 30, "rdrand" }, { 2, 31, "hypervisor" },
};

size_t sysinfo_cpuinfo_max(void)
{
    return SYSINFO_CPUINFO_BLOCK_MAX * (smp_online_count() ? smp_online_count() : 1) + 1;
}

/* The CPU's brand string (leaves 0x80000002-4), or "unknown" without them. */
static void cpu_model_name(char out[49])
{
    uint32_t r[12], a, b, c, d;
    cpuid(0x80000000, 0, &a, &b, &c, &d);
    if (a < 0x80000004) {
        strlcpy(out, "unknown", 49);
        return;
    }
    for (uint32_t i = 0; i < 3; i++)
        cpuid(0x80000002 + i, 0, &r[4 * i], &r[4 * i + 1], &r[4 * i + 2], &r[4 * i + 3]);
    memcpy(out, r, 48);
    out[48] = '\0';
}

/* One block per online CPU; every CPU reports the boot CPU's identification (they are
 * alike on the machines Spindle runs on, and CPUID here runs on the reader's CPU). */
size_t sysinfo_format_cpuinfo(char *buf, size_t cap)
{
    uint32_t a, b, vendor[4] = { 0 };
    cpuid(0, 0, &a, &vendor[0], &vendor[2], &vendor[1]);
    char model[49];
    cpu_model_name(model);
    uint32_t sig, ecx, edx;
    cpuid(1, 0, &sig, &b, &ecx, &edx);
    unsigned family = (sig >> 8) & 0xf, modelno = (sig >> 4) & 0xf;
    if (family == 0xf)
        family += (sig >> 20) & 0xff;
    if (family >= 6)
        modelno |= ((sig >> 16) & 0xf) << 4;
    size_t len = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < SCHED_MAX_CPUS; i++) {
        if (!sched_cpu(i)->online)
            continue;
        text_append(buf, cap, &len,
                    "processor\t: %u\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n"
                    "model name\t: %s\nstepping\t: %u\ncpu cores\t: %u\nflags\t\t:",
                    i, (const char *)vendor, family, modelno, model, sig & 0xf,
                    smp_online_count());
        for (size_t k = 0; k < sizeof cpu_flags / sizeof cpu_flags[0]; k++)
            if (((cpu_flags[k].reg == 3 ? edx : ecx) >> cpu_flags[k].bit) & 1)
                text_append(buf, cap, &len, " %s", cpu_flags[k].name);
        text_append(buf, cap, &len, "\n\n");
    }
    return len;
}
