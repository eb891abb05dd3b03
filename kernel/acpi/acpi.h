/*
 * acpi.h - the firmware tables the kernel needs: RSDP, XSDT/RSDT, MADT (CPUs, IOAPICs,
 * overrides), HPET, FADT (PM timer, power-off). Every table's length and checksum is checked
 * before use; a bad table is logged and ignored.
 */
#ifndef KERNEL_ACPI_ACPI_H
#define KERNEL_ACPI_ACPI_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#define ACPI_MAX_CPUS 64
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 16

typedef struct { uint32_t apic_id; uint32_t acpi_uid; bool enabled; } acpi_cpu_t;
typedef struct { uint32_t id; uint64_t phys; uint32_t gsi_base; } acpi_ioapic_t;
typedef struct { uint8_t irq; uint32_t gsi; uint16_t flags; } acpi_override_t;

typedef struct {
    bool present;
    uint64_t lapic_phys;
    acpi_cpu_t cpus[ACPI_MAX_CPUS];
    size_t cpu_count;
    acpi_ioapic_t ioapics[ACPI_MAX_IOAPICS];
    size_t ioapic_count;
    acpi_override_t overrides[ACPI_MAX_OVERRIDES];
    size_t override_count;
    uint64_t hpet_phys;            /* 0 when absent */
    uint32_t pm_timer_port;        /* 0 when absent */
    bool pm_timer_32bit;
    uint32_t pm1a_cnt_port, pm1b_cnt_port;
    uint16_t slp_typa, slp_typb;   /* from \_S5 */
    bool s5_valid;
    char oem_id[7];
    /* Added by the platform code: */
    uint32_t smi_cmd_port;         /* FADT SMI_CMD, 0 = ACPI mode is always on */
    uint8_t acpi_enable_value;     /* written to SMI_CMD to switch to ACPI mode */
    uint8_t rtc_century_reg;       /* CMOS index of the century, 0 when absent */
    size_t cpus_dropped;           /* usable CPUs beyond ACPI_MAX_CPUS */
    /* Added for PCI and the power button (issue 20): */
    uint64_t mcfg_phys;            /* ECAM base of PCI segment 0, 0 when no usable MCFG */
    uint8_t mcfg_bus_start, mcfg_bus_end;
    uint32_t pm1a_evt_port, pm1b_evt_port; /* PM1 status at port, enable at port + len/2 */
    uint8_t pm1_evt_len;
    uint32_t gpe0_port;            /* GPE0 block: status half, then enable half */
    uint8_t gpe0_len;
    uint16_t sci_irq;              /* ISA IRQ (or GSI) of the SCI */
    bool power_button_fixed;       /* the power button is the PM1 fixed event */
} acpi_info_t;

extern acpi_info_t acpi_info;

/*
 * Highest physical address (exclusive) the direct map covers: set it to bi->hhdm_size before
 * acpi_init. A table that does not lie entirely below it is ignored. 0 (not set) means 4 GiB,
 * the minimum the boot contract guarantees.
 */
extern uint64_t acpi_hhdm_limit;

/* rsdp_phys from boot_info (0 = none: the kernel goes on without ACPI). */
void acpi_init(uint64_t rsdp_phys, uint32_t revision);
/* Enters S5. Returns only when that failed. */
void acpi_poweroff(void);
/* The power button's fixed event: enables it, routes the SCI, and calls pressed (from the
 * interrupt handler: it must only wake someone) on every press. False when the machine has
 * no fixed-event power button. Needs the IOAPIC. */
bool acpi_button_init(void (*pressed)(void));
/* Switches the firmware to ACPI mode (SCI_EN) through SMI_CMD when it is not yet; bounded. */
void acpi_mode_enable(void);

#endif
