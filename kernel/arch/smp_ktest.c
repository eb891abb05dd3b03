/*
 * smp_ktest.c - self-tests of the multiprocessor bring-up: every CPU the MADT lists as
 * enabled came online, each AP runs on its own GDT/TSS/IST stacks with its own TSC_AUX
 * number, and every other CPU takes an NMI (what the panic stop relies on).
 */
#include <stddef.h>
#include "kernel/acpi/acpi.h"
#include "kernel/arch/arch.h"
#include "kernel/arch/smp.h"
#include "kernel/ktest.h"

static unsigned ktest_madt_enabled_cpus(void)
{
    unsigned n = 0;
    for (size_t i = 0; i < acpi_info.cpu_count; i++)
        n += acpi_info.cpus[i].enabled;
    if (n == 0)
        n = 1; /* no MADT: the boot CPU alone */
    return n < SMP_MAX_CPUS ? n : SMP_MAX_CPUS;
}

KTEST(smp_every_enabled_madt_cpu_is_online)
{
    KTEST_EXPECT(smp_online_count() == ktest_madt_enabled_cpus());
    KTEST_EXPECT(smp_cpu_count() == smp_online_count()); /* no CPU failed here */
    KTEST_EXPECT(smp_cpu_index() == 0);                  /* ktests run on the boot CPU */
    KTEST_EXPECT(percpu_this() == percpu_get(0));
    KTEST_EXPECT(percpu_get(smp_cpu_count()) == NULL);
}

static uint64_t ktest_gdt_base_of(unsigned cpu)
{
    return (uint64_t)gdt_cpu_tss(cpu) - offsetof(arch_cpu_tables_t, tss);
}

/* The TSS descriptor in that CPU's GDT points at its TSS and is busy (ltr ran there). */
static bool ktest_tss_descriptor_ok(unsigned cpu)
{
    const uint64_t *gdt = (const uint64_t *)ktest_gdt_base_of(cpu);
    uint64_t lo = gdt[GDT_TSS >> 3], hi = gdt[(GDT_TSS >> 3) + 1];
    uint64_t base = ((lo >> 16) & 0xFFFFFF) | (((lo >> 56) & 0xFF) << 24) | (hi << 32);
    return base == (uint64_t)gdt_cpu_tss(cpu) && ((lo >> 40) & 0xF) == 0xB;
}

KTEST(smp_each_cpu_runs_on_its_own_tables_and_number)
{
    unsigned n = smp_cpu_count();
    for (unsigned i = 0; i < n; i++) {
        const percpu_t *p = percpu_get(i);
        KTEST_EXPECT(p->index == i);
        if (!smp_cpu_online(i))
            continue; /* the test above reports it */
        KTEST_EXPECT(p->seen_apic_id == p->apic_id);
        KTEST_EXPECT(p->seen_gdt_base == ktest_gdt_base_of(i));
        KTEST_EXPECT(p->seen_tr == GDT_TSS);
        KTEST_EXPECT(ktest_tss_descriptor_ok(i));
        if (smp_have_rdtscp())
            KTEST_EXPECT(p->seen_tsc_aux == i);
        for (unsigned s = 0; s < IST_STACK_COUNT; s++)
            KTEST_EXPECT(gdt_cpu_tss(i)->ist[s] == p->ist_tops[s]);
        for (unsigned j = 0; j < i; j++) {
            const percpu_t *q = percpu_get(j);
            if (!smp_cpu_online(j))
                continue;
            KTEST_EXPECT(q->apic_id != p->apic_id);
            KTEST_EXPECT(q->seen_gdt_base != p->seen_gdt_base);
            for (unsigned s = 0; s < IST_STACK_COUNT; s++)
                KTEST_EXPECT(q->ist_tops[s] != p->ist_tops[s]);
            if (i > 0 && j > 0)
                KTEST_EXPECT(q->stack_top != p->stack_top);
        }
    }
}

KTEST(smp_other_cpus_take_an_nmi)
{
    unsigned n = smp_cpu_count();
    KTEST_EXPECT(!smp_nmi_ping(0)); /* not to itself */
    for (unsigned i = 1; i < n; i++) {
        if (!smp_cpu_online(i))
            continue;
        KTEST_EXPECT(smp_nmi_ping(i));
        if (smp_have_rdtscp())
            KTEST_EXPECT(percpu_get(i)->ping_tsc_aux == i);
        KTEST_EXPECT(smp_cpu_online(i) && !percpu_get(i)->stopped);
    }
}
