/*
 * acpi_ktest.c - self-tests of what acpi_init found on the running machine.
 */
#include "kernel/acpi/acpi.h"
#include "kernel/arch/apic.h"
#include "kernel/ktest.h"

KTEST(acpi_madt_lists_at_least_one_cpu)
{
    KTEST_EXPECT(acpi_info.present);
    KTEST_EXPECT(acpi_info.cpu_count >= 1);
}

KTEST(acpi_madt_lists_the_boot_cpu)
{
    uint32_t id = apic_id();
    bool found = false;
    for (size_t i = 0; i < acpi_info.cpu_count; i++)
        if (acpi_info.cpus[i].apic_id == id && acpi_info.cpus[i].enabled)
            found = true;
    KTEST_EXPECT(found);
}

KTEST(acpi_power_off_data_found)
{
    KTEST_EXPECT(acpi_info.s5_valid);
    KTEST_EXPECT(acpi_info.pm1a_cnt_port != 0);
}
