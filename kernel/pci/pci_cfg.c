/*
 * pci_cfg.c - configuration space access, behind one ops table chosen once by pci_init:
 * ECAM (memory-mapped, 4 KiB per function at base + (bus << 20 | dev << 15 | fn << 12),
 * mapped uncached page by page as functions are touched) when the MCFG gives a window, else
 * the legacy mechanism #1 ports (0xCF8 address, 0xCFC data; 256 bytes per function).
 *
 * Locking: the port mechanism is a two-step access (address, then data), so each pair runs
 * under pci_port_lock with interrupts off. ECAM accesses are single loads and stores.
 */
#include "kernel/acpi/acpi.h"
#include "kernel/arch/apic.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/spinlock.h"
#include "kernel/kprintf.h"
#include "kernel/pci/pci.h"
#include "kernel/pci/pci_internal.h"

#define PCI_PORT_ADDR 0xCF8
#define PCI_PORT_DATA 0xCFC
#define PCI_PORT_ENABLE (1u << 31)

/* Guards the 0xCF8/0xCFC address-data pair. */
static spinlock_t pci_port_lock = SPINLOCK_INIT(LOCK_RANK_PCI);

static uint32_t port_read32(const pci_dev_t *d, uint16_t off)
{
    if (off >= 256)
        return 0xFFFFFFFFu; /* the port mechanism reaches only the legacy 256 bytes */
    uint32_t addr = PCI_PORT_ENABLE | (uint32_t)d->bus << 16 | (uint32_t)d->dev << 11 |
                    (uint32_t)d->fn << 8 | (off & 0xFCu);
    uint64_t f = spin_lock_irqsave(&pci_port_lock);
    outl(PCI_PORT_ADDR, addr);
    uint32_t v = inl(PCI_PORT_DATA);
    spin_unlock_irqrestore(&pci_port_lock, f);
    return v;
}

static void port_write32(const pci_dev_t *d, uint16_t off, uint32_t v)
{
    if (off >= 256)
        return;
    uint32_t addr = PCI_PORT_ENABLE | (uint32_t)d->bus << 16 | (uint32_t)d->dev << 11 |
                    (uint32_t)d->fn << 8 | (off & 0xFCu);
    uint64_t f = spin_lock_irqsave(&pci_port_lock);
    outl(PCI_PORT_ADDR, addr);
    outl(PCI_PORT_DATA, v);
    spin_unlock_irqrestore(&pci_port_lock, f);
}

static uint64_t ecam_base;
static uint8_t ecam_bus_start, ecam_bus_end;

/* The function's 4 KiB page, mapped on first use (re-mapping the same page is harmless). */
static volatile uint32_t *ecam_func(const pci_dev_t *d)
{
    if (d->bus < ecam_bus_start || d->bus > ecam_bus_end || d->dev > 31 || d->fn > 7)
        return NULL;
    uint64_t phys = ecam_base + ((uint64_t)(d->bus - ecam_bus_start) << 20 |
                                 (uint64_t)d->dev << 15 | (uint64_t)d->fn << 12);
    return (volatile uint32_t *)apic_mmio_map(phys);
}

static uint32_t ecam_read32(const pci_dev_t *d, uint16_t off)
{
    volatile uint32_t *f = ecam_func(d);
    return f && off < 4096 ? f[off / 4] : 0xFFFFFFFFu;
}

static void ecam_write32(const pci_dev_t *d, uint16_t off, uint32_t v)
{
    volatile uint32_t *f = ecam_func(d);
    if (f && off < 4096)
        f[off / 4] = v;
}

static const pci_cfg_ops_t pci_port_ops = { "ports 0xCF8/0xCFC", port_read32, port_write32 };
static const pci_cfg_ops_t pci_ecam_ops = { "ECAM", ecam_read32, ecam_write32 };
static const pci_cfg_ops_t *pci_ops = &pci_port_ops;

const char *pci_cfg_choose(void)
{
    if (acpi_info.mcfg_phys) {
        ecam_base = acpi_info.mcfg_phys;
        ecam_bus_start = acpi_info.mcfg_bus_start;
        ecam_bus_end = acpi_info.mcfg_bus_end;
        pci_dev_t host = { .bus = ecam_bus_start };
        /* A window that does not answer for the host bridge is not trusted. */
        if ((ecam_read32(&host, PCI_VENDOR_ID) & 0xFFFF) != 0xFFFF) {
            pci_ops = &pci_ecam_ops;
            return pci_ops->name;
        }
        kprintf("pci: ECAM at 0x%llx does not answer; using the ports\n",
                (unsigned long long)ecam_base);
    }
    pci_ops = &pci_port_ops;
    return pci_ops->name;
}

uint32_t pci_read32(const pci_dev_t *d, uint16_t off)
{
    return pci_ops->read32(d, off & (uint16_t)~3u);
}

uint16_t pci_read16(const pci_dev_t *d, uint16_t off)
{
    return (uint16_t)(pci_read32(d, off) >> ((off & 2) * 8));
}

uint8_t pci_read8(const pci_dev_t *d, uint16_t off)
{
    return (uint8_t)(pci_read32(d, off) >> ((off & 3) * 8));
}

void pci_write32(const pci_dev_t *d, uint16_t off, uint32_t v)
{
    pci_ops->write32(d, off & (uint16_t)~3u, v);
}

void pci_write16(const pci_dev_t *d, uint16_t off, uint16_t v)
{
    uint16_t aligned = off & (uint16_t)~3u;
    unsigned shift = (off & 2) * 8;
    uint32_t old = pci_ops->read32(d, aligned);
    /* The other half is written back as read: for the command/status pair, status bits are
     * write-1-to-clear, so the status half is written as zero instead. */
    if (aligned == PCI_COMMAND)
        old &= 0xFFFFu;
    pci_ops->write32(d, aligned, (old & ~(0xFFFFu << shift)) | (uint32_t)v << shift);
}
