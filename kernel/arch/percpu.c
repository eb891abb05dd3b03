/*
 * percpu.c - the per-CPU records and how a CPU finds its own without GS.
 *
 * RDTSCP returns IA32_TSC_AUX, which smp.c sets to the CPU number on each CPU (the same
 * value sched_init_cpu writes, so both agree). Without RDTSCP the CPU's APIC id is looked up
 * in the records. Either works in any context (NMI, panic): no lock, no memory allocation.
 *
 * Invariant: a record is written by the boot CPU before the AP is started (index, apic_id,
 * stacks) and afterwards only through atomics or by the CPU it describes; percpu_count only
 * grows, with release order, after the record it covers is filled.
 */
#include <stddef.h>
#include "kernel/arch/smp.h"
#include "kernel/arch/apic.h"
#include "kernel/arch/cpu.h"

#define CPUID_EXT1_EDX_RDTSCP (1u << 27)

static percpu_t percpus[SMP_MAX_CPUS];
static unsigned percpu_count;
static bool percpu_rdtscp;
static bool percpu_rdtscp_known;

bool smp_have_rdtscp(void)
{
    if (!__atomic_load_n(&percpu_rdtscp_known, __ATOMIC_ACQUIRE)) {
        uint32_t a, b, c, d;
        cpuid(0x80000000, 0, &a, &b, &c, &d);
        bool have = false;
        if (a >= 0x80000001) {
            cpuid(0x80000001, 0, &a, &b, &c, &d);
            have = d & CPUID_EXT1_EDX_RDTSCP;
        }
        percpu_rdtscp = have;
        __atomic_store_n(&percpu_rdtscp_known, true, __ATOMIC_RELEASE);
    }
    return percpu_rdtscp;
}

void smp_percpu_register(unsigned index, uint32_t apic_id)
{
    unsigned count = __atomic_load_n(&percpu_count, __ATOMIC_RELAXED);
    if (index >= SMP_MAX_CPUS || index != count)
        return; /* records are dense and only appended by the boot CPU */
    percpus[index] = (percpu_t){ .index = index, .apic_id = apic_id, .state = PERCPU_STARTING,
                                 .seen_tsc_aux = ~0u };
    __atomic_store_n(&percpu_count, index + 1, __ATOMIC_RELEASE);
}

unsigned smp_cpu_count(void)
{
    return __atomic_load_n(&percpu_count, __ATOMIC_ACQUIRE);
}

static unsigned percpu_by_apic_id(void)
{
    uint32_t id = apic_id();
    unsigned n = smp_cpu_count();
    for (unsigned i = 0; i < n; i++)
        if (percpus[i].apic_id == id)
            return i;
    return 0;
}

unsigned smp_cpu_index(void)
{
    if (smp_cpu_count() <= 1)
        return 0;
    if (smp_have_rdtscp()) {
        uint32_t lo, hi, aux;
        __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
        if (aux < smp_cpu_count())
            return aux;
    }
    return percpu_by_apic_id();
}

percpu_t *percpu_get(unsigned index)
{
    return index < smp_cpu_count() ? &percpus[index] : NULL;
}

percpu_t *percpu_this(void)
{
    return percpu_get(smp_cpu_index());
}

bool smp_cpu_online(unsigned index)
{
    percpu_t *p = percpu_get(index);
    return p && __atomic_load_n(&p->state, __ATOMIC_ACQUIRE) == PERCPU_ONLINE;
}

unsigned smp_online_count(void)
{
    unsigned n = 0, count = smp_cpu_count();
    for (unsigned i = 0; i < count; i++)
        n += smp_cpu_online(i);
    return n;
}
