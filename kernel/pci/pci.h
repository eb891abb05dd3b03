/*
 * pci.h - PCI devices: configuration space through the ECAM window the ACPI MCFG names (PCI
 * Express), else the legacy 0xCF8/0xCFC ports; an enumeration that walks bus 0 and the
 * buses behind bridges; and a small driver model: a driver registers (pci_driver_register)
 * the class/subclass/prog-if it serves, and pci_init hands each device found to the first
 * driver that matches.
 *
 * Every value read from configuration space comes from a device and is checked before use:
 * BAR sizes, capability pointers (bounded walk), bridge bus numbers (each bus scanned once).
 */
#ifndef KERNEL_PCI_PCI_H
#define KERNEL_PCI_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_ANY 0xFFFFu /* matches any class, subclass or prog-if */

#define PCI_VENDOR_ID    0x00
#define PCI_COMMAND      0x04
#define PCI_STATUS       0x06
#define PCI_CLASS_REV    0x08
#define PCI_HEADER_TYPE  0x0E
#define PCI_BAR0         0x10
#define PCI_SECONDARY_BUS 0x19
#define PCI_CAP_PTR      0x34
#define PCI_INTERRUPT_LINE 0x3C

#define PCI_CMD_IO       (1u << 0)
#define PCI_CMD_MEMORY   (1u << 1)
#define PCI_CMD_MASTER   (1u << 2)
#define PCI_CMD_INTX_OFF (1u << 10)
#define PCI_STATUS_CAPS  (1u << 4)

#define PCI_CAP_MSI      0x05
#define PCI_CAP_MSIX     0x11

typedef struct {
    uint8_t bus, dev, fn;
    uint16_t vendor, device;
    uint8_t class_code, subclass, prog_if;
    uint8_t irq_line;
} pci_dev_t;

typedef struct pci_driver {
    const char *name;
    uint16_t class_code, subclass, prog_if;  /* PCI_ANY for any */
    /* Takes the device (returns true) or leaves it to the next driver. Runs in a thread. */
    bool (*probe)(const pci_dev_t *dev);
    struct pci_driver *next;                 /* registration list (pci.c) */
} pci_driver_t;

/* Configuration space access: the method chosen by pci_init (ECAM or ports). Offsets are
 * aligned to the access size; an absent function reads all ones. */
uint32_t pci_read32(const pci_dev_t *d, uint16_t off);
uint16_t pci_read16(const pci_dev_t *d, uint16_t off);
uint8_t pci_read8(const pci_dev_t *d, uint16_t off);
void pci_write32(const pci_dev_t *d, uint16_t off, uint32_t v);
void pci_write16(const pci_dev_t *d, uint16_t off, uint16_t v);

/* Adds a driver; call before pci_init. */
void pci_driver_register(pci_driver_t *drv);
/* Chooses the access method, enumerates every bus reachable from bus 0 and probes drivers.
 * Logs one line per device. Call from a thread (drivers may sleep). */
void pci_init(void);

/* Memory BAR n (64-bit BARs take n and n+1): its physical base and size, with the device's
 * decoding off while it is sized. False for an I/O BAR, an empty one or a junk size. */
bool pci_bar_memory(const pci_dev_t *d, unsigned n, uint64_t *phys, uint64_t *size);
/* Maps [phys, phys + size) uncached and returns its virtual address, NULL when it can't. */
volatile void *pci_mmio_map(uint64_t phys, uint64_t size);
/* Turns on memory decoding and bus mastering (DMA). */
void pci_enable_mmio_dma(const pci_dev_t *d);
/* Offset of capability id in the device's list, 0 when absent (bounded walk). */
uint8_t pci_cap_find(const pci_dev_t *d, uint8_t id);
/* Routes the device's first MSI-X entry, else its MSI, to vector on the boot CPU (fixed,
 * edge) and turns INTx off; returns "MSI-X" or "MSI", NULL when it has neither (the
 * driver polls then: INTx would need the firmware's AML routing tables, which we don't run). */
const char *pci_msi_enable(const pci_dev_t *d, uint8_t vector);

#endif
