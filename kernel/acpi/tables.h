/*
 * tables.h - internal to kernel/acpi: byte offsets of the ACPI structures we read and the
 * parsers for each table. Firmware tables are read byte-wise through acpi_rd* (no packed
 * structs, no unaligned pointer casts), and every parser takes the table's validated length:
 * it may read [0, len) and nothing else.
 */
#ifndef KERNEL_ACPI_TABLES_H
#define KERNEL_ACPI_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/acpi/acpi.h"

/* RSDP (ACPI 6.5, 5.2.5.3) */
#define RSDP_V1_LEN         20
#define RSDP_V2_LEN         36
#define RSDP_OFF_OEM        9
#define RSDP_OFF_REVISION   15
#define RSDP_OFF_RSDT       16
#define RSDP_OFF_LENGTH     20
#define RSDP_OFF_XSDT       24

/* Common SDT header (5.2.6) */
#define SDT_HDR_LEN         36
#define SDT_OFF_LENGTH      4
#define SDT_OFF_REVISION    8
#define SDT_OFF_OEM         10

/* MADT (5.2.12) */
#define MADT_OFF_LAPIC      36
#define MADT_OFF_ENTRIES    44
#define MADT_LAPIC          0
#define MADT_IOAPIC         1
#define MADT_ISO            2
#define MADT_LAPIC_OVERRIDE 5
#define MADT_X2APIC         9
#define MADT_CPU_ENABLED        (1u << 0)
#define MADT_CPU_ONLINE_CAPABLE (1u << 1)

/* HPET description table (IA-PC HPET spec 3.2.4) */
#define HPET_TBL_OFF_BASE   40   /* Generic Address Structure */
#define HPET_TBL_MIN_LEN    56

/* Generic Address Structure (5.2.3.2) */
#define GAS_LEN             12
#define GAS_SPACE_MEMORY    0
#define GAS_SPACE_IO        1

/* FADT (5.2.9): only the fields we use. Older FADTs are shorter; check len per field. */
#define FADT_OFF_DSDT         40
#define FADT_OFF_SMI_CMD      48
#define FADT_OFF_ACPI_ENABLE  52
#define FADT_OFF_PM1A_CNT     64
#define FADT_OFF_PM1B_CNT     68
#define FADT_OFF_PM_TMR       76
#define FADT_OFF_PM_TMR_LEN   91
#define FADT_OFF_CENTURY      108
#define FADT_OFF_FLAGS        112
#define FADT_OFF_SCI_INT      46
#define FADT_OFF_PM1A_EVT     56
#define FADT_OFF_PM1B_EVT     60
#define FADT_OFF_GPE0_BLK     80
#define FADT_OFF_PM1_EVT_LEN  88
#define FADT_OFF_GPE0_LEN     92
#define FADT_OFF_X_PM1A_EVT   148
#define FADT_OFF_X_PM1B_EVT   160
#define FADT_OFF_X_GPE0       220
#define FADT_FLAG_PWR_BUTTON  (1u << 4)   /* set: the power button is a control-method device */

/* MCFG (PCI Firmware spec 3.2, 4.1.2): entries of 16 bytes after 8 reserved bytes */
#define MCFG_OFF_ENTRIES      44
#define MCFG_ENTRY_LEN        16
#define FADT_OFF_X_DSDT       140
#define FADT_OFF_X_PM1A_CNT   172
#define FADT_OFF_X_PM1B_CNT   184
#define FADT_OFF_X_PM_TMR     208
#define FADT_FLAG_TMR_VAL_EXT (1u << 8)
#define FADT_FLAG_HW_REDUCED  (1u << 20)

static inline uint16_t acpi_rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t acpi_rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static inline uint64_t acpi_rd64(const uint8_t *p)
{
    return (uint64_t)acpi_rd32(p) | ((uint64_t)acpi_rd32(p + 4) << 32);
}

/* True when the bytes sum to 0 mod 256. */
bool acpi_checksum_ok(const uint8_t *p, size_t len);

/* Each fills its part of info from a table already checked for length and checksum. */
void acpi_madt_parse(const uint8_t *t, uint32_t len, acpi_info_t *info);
void acpi_hpet_parse(const uint8_t *t, uint32_t len, acpi_info_t *info);
/* Also returns the DSDT's physical address (X_DSDT preferred), 0 when none. */
void acpi_fadt_parse(const uint8_t *t, uint32_t len, acpi_info_t *info, uint64_t *dsdt_phys);
/* The ECAM window of PCI segment 0 (the first such entry). */
void acpi_mcfg_parse(const uint8_t *t, uint32_t len, acpi_info_t *info);
/* Scans AML for `Name(_S5_, Package(){a, b, ...})`; true with the two sleep types found. */
bool acpi_s5_parse(const uint8_t *aml, size_t len, uint16_t *slp_typa, uint16_t *slp_typb);

#endif
