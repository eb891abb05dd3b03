/*
 * poweroff.c - ACPI S5 (soft off): SLP_TYPx << 10 | SLP_EN into PM1a_CNT (and PM1b_CNT).
 *
 * If the firmware left the machine in legacy mode (SCI_EN clear), ACPI mode is switched on
 * first through SMI_CMD. Every wait is bounded by a count of port reads (each ~1 us on real
 * hardware), so a machine that ignores us returns here instead of hanging.
 */
#include "kernel/acpi/acpi.h"
#include "kernel/arch/cpu.h"
#include "kernel/kprintf.h"

#define PM1_SCI_EN       (1u << 0)
#define PM1_SLP_TYP_MASK (7u << 10)
#define PM1_SLP_EN       (1u << 13)
#define ACPI_WAIT_READS  300000u

void acpi_mode_enable(void)
{
    if (acpi_info.pm1a_cnt_port == 0)
        return;
    uint16_t pm1a = (uint16_t)acpi_info.pm1a_cnt_port;
    if (inw(pm1a) & PM1_SCI_EN)
        return;
    if (acpi_info.smi_cmd_port == 0 || acpi_info.acpi_enable_value == 0)
        return; /* no way to switch: try the write anyway */
    outb((uint16_t)acpi_info.smi_cmd_port, acpi_info.acpi_enable_value);
    for (uint32_t i = 0; i < ACPI_WAIT_READS; i++)
        if (inw(pm1a) & PM1_SCI_EN)
            return;
    kprintf("acpi: firmware did not enter ACPI mode\n");
}

static void acpi_pm1_sleep(uint32_t port, uint16_t slp_typ)
{
    uint16_t v = inw((uint16_t)port);
    v = (uint16_t)((v & ~(PM1_SLP_TYP_MASK | PM1_SLP_EN)) | ((slp_typ & 7u) << 10) | PM1_SLP_EN);
    outw((uint16_t)port, v);
}

void acpi_poweroff(void)
{
    if (!acpi_info.present || !acpi_info.s5_valid || acpi_info.pm1a_cnt_port == 0) {
        kprintf("acpi: power-off unavailable (no \\_S5 or PM1a_CNT)\n");
        return;
    }
    cpu_cli();
    acpi_mode_enable();
    acpi_pm1_sleep(acpi_info.pm1a_cnt_port, acpi_info.slp_typa);
    if (acpi_info.pm1b_cnt_port)
        acpi_pm1_sleep(acpi_info.pm1b_cnt_port, acpi_info.slp_typb);
    for (uint32_t i = 0; i < ACPI_WAIT_READS; i++)
        (void)inw((uint16_t)acpi_info.pm1a_cnt_port);
    kprintf("acpi: S5 request had no effect\n");
}
