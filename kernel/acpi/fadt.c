/*
 * fadt.c - parses the FADT ("FACP": PM timer, PM1 control and event blocks, GPE0 block, SCI,
 * SMI command, RTC century, DSDT address), the HPET table (base address) and the MCFG
 * (the PCI Express ECAM window of segment 0).
 *
 * FADTs come in many revisions, each longer than the last: a field is read only when the
 * table's length covers it. The 64-bit X_ fields win over the 32-bit ones when they are valid
 * (non-zero, in the address space we can use). Ports must fit in 16 bits.
 */
#include "kernel/acpi/tables.h"
#include "kernel/kprintf.h"

#define IO_PORT_MAX 0xFFFFu

static bool fadt_has(uint32_t len, uint32_t off, uint32_t size)
{
    return off <= len && size <= len - off;
}

/* A port from the X_ Generic Address Structure when it is a valid I/O one, else legacy. */
static uint32_t fadt_port(const uint8_t *t, uint32_t len, uint32_t x_off, uint32_t legacy_off)
{
    if (fadt_has(len, x_off, GAS_LEN) && t[x_off] == GAS_SPACE_IO) {
        uint64_t addr = acpi_rd64(t + x_off + 4);
        if (addr != 0 && addr <= IO_PORT_MAX)
            return (uint32_t)addr;
    }
    if (fadt_has(len, legacy_off, 4)) {
        uint32_t port = acpi_rd32(t + legacy_off);
        if (port <= IO_PORT_MAX)
            return port;
    }
    return 0;
}

static uint32_t fadt_pm_timer_port(const uint8_t *t, uint32_t len)
{
    if (fadt_has(len, FADT_OFF_X_PM_TMR, GAS_LEN) && t[FADT_OFF_X_PM_TMR] == GAS_SPACE_IO) {
        uint64_t addr = acpi_rd64(t + FADT_OFF_X_PM_TMR + 4);
        if (addr != 0 && addr <= IO_PORT_MAX - 3)
            return (uint32_t)addr;
    }
    /* The 32-bit block is valid only with PM_TMR_LEN == 4. */
    if (!fadt_has(len, FADT_OFF_PM_TMR_LEN, 1) || t[FADT_OFF_PM_TMR_LEN] != 4)
        return 0;
    uint32_t port = acpi_rd32(t + FADT_OFF_PM_TMR);
    return port <= IO_PORT_MAX - 3 ? port : 0;
}

static uint64_t fadt_dsdt(const uint8_t *t, uint32_t len)
{
    if (fadt_has(len, FADT_OFF_X_DSDT, 8) && acpi_rd64(t + FADT_OFF_X_DSDT) != 0)
        return acpi_rd64(t + FADT_OFF_X_DSDT);
    if (fadt_has(len, FADT_OFF_DSDT, 4))
        return acpi_rd32(t + FADT_OFF_DSDT);
    return 0;
}

/* The power button's fixed event and the SCI (PM1 event blocks, GPE0 block, SCI_INT). A
 * PM1 event block needs an even length of at least 4 (status and enable halves, 2 bytes
 * each); anything else leaves the power button unsupported. */
static void fadt_events_parse(const uint8_t *t, uint32_t len, uint32_t flags, acpi_info_t *info)
{
    if (!fadt_has(len, FADT_OFF_GPE0_LEN, 1))
        return;
    uint8_t evt_len = t[FADT_OFF_PM1_EVT_LEN];
    info->sci_irq = acpi_rd16(t + FADT_OFF_SCI_INT);
    info->pm1a_evt_port = fadt_port(t, len, FADT_OFF_X_PM1A_EVT, FADT_OFF_PM1A_EVT);
    info->pm1b_evt_port = fadt_port(t, len, FADT_OFF_X_PM1B_EVT, FADT_OFF_PM1B_EVT);
    info->gpe0_port = fadt_port(t, len, FADT_OFF_X_GPE0, FADT_OFF_GPE0_BLK);
    info->gpe0_len = t[FADT_OFF_GPE0_LEN];
    if (info->gpe0_len & 1 || info->gpe0_port + info->gpe0_len > IO_PORT_MAX)
        info->gpe0_port = 0, info->gpe0_len = 0;
    bool evt_ok = evt_len >= 4 && !(evt_len & 1) && info->pm1a_evt_port &&
                  info->pm1a_evt_port + evt_len <= IO_PORT_MAX &&
                  info->pm1b_evt_port + evt_len <= IO_PORT_MAX;
    if (!evt_ok) {
        info->pm1a_evt_port = info->pm1b_evt_port = 0;
        return;
    }
    info->pm1_evt_len = evt_len;
    info->power_button_fixed = !(flags & FADT_FLAG_PWR_BUTTON) && info->sci_irq < 256;
}

void acpi_mcfg_parse(const uint8_t *t, uint32_t len, acpi_info_t *info)
{
    for (uint32_t off = MCFG_OFF_ENTRIES; fadt_has(len, off, MCFG_ENTRY_LEN);
         off += MCFG_ENTRY_LEN) {
        uint64_t base = acpi_rd64(t + off);
        uint16_t segment = acpi_rd16(t + off + 8);
        uint8_t start = t[off + 10], end = t[off + 11];
        if (segment != 0 || base == 0 || end < start || (base & 0xFFFFF)) {
            kprintf("acpi: MCFG entry (segment %u, base 0x%llx, buses %u-%u) ignored\n",
                    segment, (unsigned long long)base, start, end);
            continue;
        }
        info->mcfg_phys = base;
        info->mcfg_bus_start = start;
        info->mcfg_bus_end = end;
        return;
    }
}

void acpi_fadt_parse(const uint8_t *t, uint32_t len, acpi_info_t *info, uint64_t *dsdt_phys)
{
    uint32_t flags = fadt_has(len, FADT_OFF_FLAGS, 4) ? acpi_rd32(t + FADT_OFF_FLAGS) : 0;

    *dsdt_phys = fadt_dsdt(t, len);
    if (flags & FADT_FLAG_HW_REDUCED) {
        kprintf("acpi: hardware-reduced ACPI: no PM timer or PM1 blocks\n");
        return;
    }
    info->pm_timer_port = fadt_pm_timer_port(t, len);
    info->pm_timer_32bit = (flags & FADT_FLAG_TMR_VAL_EXT) != 0;
    info->pm1a_cnt_port = fadt_port(t, len, FADT_OFF_X_PM1A_CNT, FADT_OFF_PM1A_CNT);
    info->pm1b_cnt_port = fadt_port(t, len, FADT_OFF_X_PM1B_CNT, FADT_OFF_PM1B_CNT);
    if (fadt_has(len, FADT_OFF_ACPI_ENABLE, 1)) {
        uint32_t smi = acpi_rd32(t + FADT_OFF_SMI_CMD);
        info->smi_cmd_port = smi <= IO_PORT_MAX ? smi : 0;
        info->acpi_enable_value = t[FADT_OFF_ACPI_ENABLE];
    }
    fadt_events_parse(t, len, flags, info);
    /* CMOS has 128 bytes; 0x00-0x0D are the clock and status registers, never the century. */
    if (fadt_has(len, FADT_OFF_CENTURY, 1) && t[FADT_OFF_CENTURY] > 0x0D &&
        t[FADT_OFF_CENTURY] < 0x80)
        info->rtc_century_reg = t[FADT_OFF_CENTURY];
}

void acpi_hpet_parse(const uint8_t *t, uint32_t len, acpi_info_t *info)
{
    if (len < HPET_TBL_MIN_LEN) {
        kprintf("acpi: HPET table too short (%u bytes)\n", len);
        return;
    }
    if (t[HPET_TBL_OFF_BASE] != GAS_SPACE_MEMORY) {
        kprintf("acpi: HPET not in system memory space (%u), ignored\n", t[HPET_TBL_OFF_BASE]);
        return;
    }
    info->hpet_phys = acpi_rd64(t + HPET_TBL_OFF_BASE + 4);
}
