/*
 * madt.c - parses the MADT ("APIC"): local APIC address (with the 64-bit override), usable
 * CPUs (xAPIC and x2APIC entries), IOAPICs and ISA interrupt source overrides.
 *
 * Invariant: an entry is read only when 2 <= its length <= the bytes left in the table and
 * its length covers every field read for its type; the first entry that breaks this stops
 * the walk (the rest of the table can't be trusted). Every step advances by >= 2 bytes, so
 * the walk ends.
 */
#include "kernel/acpi/tables.h"
#include "kernel/kprintf.h"

#define MADT_LAPIC_LEN      8
#define MADT_IOAPIC_LEN     12
#define MADT_ISO_LEN        10
#define MADT_LAPIC_OVR_LEN  12
#define MADT_X2APIC_LEN     16
#define XAPIC_ID_BROADCAST  0xFFu
#define X2APIC_ID_INVALID   0xFFFFFFFFu

static void madt_cpu_add(acpi_info_t *info, uint32_t apic_id, uint32_t uid, uint32_t flags)
{
    if (!(flags & (MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE)))
        return; /* neither running nor hot-pluggable: unusable */
    for (size_t i = 0; i < info->cpu_count; i++)
        if (info->cpus[i].apic_id == apic_id)
            return; /* some firmware lists a CPU as both xAPIC and x2APIC */
    if (info->cpu_count >= ACPI_MAX_CPUS) {
        info->cpus_dropped++;
        return;
    }
    info->cpus[info->cpu_count++] = (acpi_cpu_t){
        .apic_id = apic_id, .acpi_uid = uid, .enabled = (flags & MADT_CPU_ENABLED) != 0 };
}

static void madt_ioapic_add(acpi_info_t *info, const uint8_t *e)
{
    uint32_t phys = acpi_rd32(e + 4);
    if (phys == 0) {
        kprintf("acpi: MADT IOAPIC %u at address 0, ignored\n", e[2]);
        return;
    }
    if (info->ioapic_count >= ACPI_MAX_IOAPICS) {
        kprintf("acpi: more than %d IOAPICs, ignored\n", ACPI_MAX_IOAPICS);
        return;
    }
    info->ioapics[info->ioapic_count++] = (acpi_ioapic_t){
        .id = e[2], .phys = phys, .gsi_base = acpi_rd32(e + 8) };
}

static void madt_override_add(acpi_info_t *info, const uint8_t *e)
{
    uint8_t bus = e[2], irq = e[3];
    if (bus != 0 || irq >= 16)
        return; /* only ISA IRQs are overridden */
    for (size_t i = 0; i < info->override_count; i++)
        if (info->overrides[i].irq == irq)
            return;
    if (info->override_count >= ACPI_MAX_OVERRIDES)
        return;
    info->overrides[info->override_count++] = (acpi_override_t){
        .irq = irq, .gsi = acpi_rd32(e + 4), .flags = acpi_rd16(e + 8) };
}

/* Handles one entry; false when it is too short for its type. */
static bool madt_entry(const uint8_t *e, uint8_t len, acpi_info_t *info)
{
    switch (e[0]) {
    case MADT_LAPIC:
        if (len < MADT_LAPIC_LEN)
            return false;
        if (e[3] != XAPIC_ID_BROADCAST)
            madt_cpu_add(info, e[3], e[2], acpi_rd32(e + 4));
        return true;
    case MADT_X2APIC:
        if (len < MADT_X2APIC_LEN)
            return false;
        if (acpi_rd32(e + 4) != X2APIC_ID_INVALID)
            madt_cpu_add(info, acpi_rd32(e + 4), acpi_rd32(e + 12), acpi_rd32(e + 8));
        return true;
    case MADT_IOAPIC:
        if (len < MADT_IOAPIC_LEN)
            return false;
        madt_ioapic_add(info, e);
        return true;
    case MADT_ISO:
        if (len < MADT_ISO_LEN)
            return false;
        madt_override_add(info, e);
        return true;
    case MADT_LAPIC_OVERRIDE:
        if (len < MADT_LAPIC_OVR_LEN)
            return false;
        info->lapic_phys = acpi_rd64(e + 4);
        return true;
    default:
        return true; /* NMI sources and the rest: not needed */
    }
}

void acpi_madt_parse(const uint8_t *t, uint32_t len, acpi_info_t *info)
{
    if (len < MADT_OFF_ENTRIES) {
        kprintf("acpi: MADT too short (%u bytes)\n", len);
        return;
    }
    info->lapic_phys = acpi_rd32(t + MADT_OFF_LAPIC); /* a type 5 entry may replace it */
    uint32_t off = MADT_OFF_ENTRIES;
    while (len - off >= 2) {
        uint8_t type = t[off], elen = t[off + 1];
        if (elen < 2 || elen > len - off || !madt_entry(t + off, elen, info)) {
            kprintf("acpi: MADT entry type %u at offset %u has bad length %u; rest ignored\n",
                    type, off, elen);
            return;
        }
        off += elen;
    }
}
