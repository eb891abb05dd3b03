/*
 * pci_dev.c - what drivers do with a device they took: size and map its memory BARs
 * (uncached, through the MMIO window), turn on decoding and DMA, walk its capability list
 * and route MSI-X or MSI to a vector.
 *
 * Sizing a BAR writes all ones and reads the mask back with memory decoding off, so the
 * device never answers at a junk address meanwhile. The capability walk is bounded (48
 * entries, pointers inside the 256-byte header, dword aligned): a looping list ends.
 */
#include <stddef.h>
#include "kernel/arch/apic.h"
#include "kernel/kprintf.h"
#include "kernel/pci/pci.h"
#include "mm/hhdm.h"

#define BAR_IO          0x1u
#define BAR_TYPE_MASK   0x6u
#define BAR_TYPE_64     0x4u
#define BAR_ADDR_MASK   0xFFFFFFF0ull
#define PCI_BAR_MAX_SIZE (1ull << 32) /* larger than any register block we would map */
#define PCI_CAP_WALK_MAX 48
#define MSI_CTRL_ENABLE  0x0001u
#define MSI_CTRL_MME     0x0070u
#define MSI_CTRL_64BIT   0x0080u
#define MSI_ADDR_BASE    0xFEE00000u
#define MSIX_CTRL_MASK_ALL 0x4000u
#define MSIX_CTRL_ENABLE   0x8000u

bool pci_bar_memory(const pci_dev_t *d, unsigned n, uint64_t *phys, uint64_t *size)
{
    if (n > 5)
        return false;
    uint16_t off = (uint16_t)(PCI_BAR0 + 4 * n);
    uint32_t lo = pci_read32(d, off);
    if (lo & BAR_IO)
        return false;
    bool is64 = (lo & BAR_TYPE_MASK) == BAR_TYPE_64;
    if (is64 && n == 5)
        return false;
    uint32_t hi = is64 ? pci_read32(d, off + 4) : 0;
    uint16_t cmd = pci_read16(d, PCI_COMMAND);
    pci_write16(d, PCI_COMMAND, (uint16_t)(cmd & ~(PCI_CMD_MEMORY | PCI_CMD_IO)));
    pci_write32(d, off, 0xFFFFFFFFu);
    uint32_t mlo = pci_read32(d, off);
    uint32_t mhi = 0xFFFFFFFFu;
    if (is64) {
        pci_write32(d, off + 4, 0xFFFFFFFFu);
        mhi = pci_read32(d, off + 4);
        pci_write32(d, off + 4, hi);
    }
    pci_write32(d, off, lo);
    pci_write16(d, PCI_COMMAND, cmd);
    uint64_t mask = ((uint64_t)mhi << 32 | (mlo & BAR_ADDR_MASK));
    if (!is64)
        mask |= 0xFFFFFFFF00000000ull;
    uint64_t sz = ~mask + 1;
    *phys = ((uint64_t)hi << 32) | (lo & BAR_ADDR_MASK);
    *size = sz;
    /* A size must be a power of two, and the base aligned to it. */
    if ((mlo & BAR_ADDR_MASK) == 0 || sz == 0 || (sz & (sz - 1)) || sz > PCI_BAR_MAX_SIZE ||
        *phys == 0 || (*phys & (sz - 1)))
        return false;
    return true;
}

volatile void *pci_mmio_map(uint64_t phys, uint64_t size)
{
    if (size == 0 || phys + size < phys || phys + size > APIC_MMIO_WINDOW_SIZE)
        return NULL;
    /* The window maps phys at APIC_MMIO_WINDOW + phys, so pages mapped one by one form one
     * contiguous block at the first page's address. */
    volatile void *base = NULL;
    for (uint64_t p = PAGE_ALIGN_DOWN(phys); p < phys + size; p += PAGE_SIZE) {
        volatile void *v = apic_mmio_map(p);
        if (!v || (uint64_t)v != APIC_MMIO_WINDOW + p)
            return NULL;
        if (!base)
            base = (volatile uint8_t *)v + (phys - p);
    }
    return base;
}

void pci_enable_mmio_dma(const pci_dev_t *d)
{
    uint16_t cmd = pci_read16(d, PCI_COMMAND);
    pci_write16(d, PCI_COMMAND, (uint16_t)(cmd | PCI_CMD_MEMORY | PCI_CMD_MASTER));
}

uint8_t pci_cap_find(const pci_dev_t *d, uint8_t id)
{
    if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAPS))
        return 0;
    uint8_t off = pci_read8(d, PCI_CAP_PTR) & 0xFC;
    for (int i = 0; i < PCI_CAP_WALK_MAX && off >= 0x40; i++) {
        uint16_t head = pci_read16(d, off);
        if ((head & 0xFF) == id)
            return off;
        off = (uint8_t)(head >> 8) & 0xFC;
    }
    return 0;
}

static void pci_intx_off(const pci_dev_t *d)
{
    uint16_t cmd = pci_read16(d, PCI_COMMAND);
    pci_write16(d, PCI_COMMAND, (uint16_t)(cmd | PCI_CMD_INTX_OFF));
}

/* MSI-X: entry 0 of the table (in the BAR the capability names) gets the message; the
 * others stay masked as reset left them. */
static bool pci_msix_enable(const pci_dev_t *d, uint8_t vector, uint32_t dest)
{
    uint8_t cap = pci_cap_find(d, PCI_CAP_MSIX);
    if (!cap)
        return false;
    uint32_t where = pci_read32(d, cap + 4);
    uint64_t bar, size;
    if (!pci_bar_memory(d, where & 7, &bar, &size) || (where & ~7u) + 16ull > size)
        return false;
    volatile uint32_t *entry = pci_mmio_map(bar + (where & ~7u), 16);
    if (!entry)
        return false;
    uint16_t ctrl = pci_read16(d, cap + 2);
    pci_write16(d, cap + 2, (uint16_t)(ctrl | MSIX_CTRL_ENABLE | MSIX_CTRL_MASK_ALL));
    entry[0] = MSI_ADDR_BASE | dest << 12;
    entry[1] = 0;
    entry[2] = vector;
    entry[3] = 0; /* unmasked */
    pci_write16(d, cap + 2, (uint16_t)((ctrl | MSIX_CTRL_ENABLE) & ~MSIX_CTRL_MASK_ALL));
    pci_intx_off(d);
    return true;
}

const char *pci_msi_enable(const pci_dev_t *d, uint8_t vector)
{
    uint32_t dest = apic_id();
    if (dest > 0xFF)
        return NULL; /* an APIC id above 255 needs interrupt remapping */
    if (pci_msix_enable(d, vector, dest))
        return "MSI-X";
    uint8_t cap = pci_cap_find(d, PCI_CAP_MSI);
    if (!cap)
        return NULL;
    uint16_t ctrl = pci_read16(d, cap + 2);
    pci_write32(d, cap + 4, MSI_ADDR_BASE | dest << 12);
    if (ctrl & MSI_CTRL_64BIT) {
        pci_write32(d, cap + 8, 0);
        pci_write16(d, cap + 12, vector);
    } else {
        pci_write16(d, cap + 8, vector);
    }
    ctrl = (uint16_t)((ctrl & ~MSI_CTRL_MME) | MSI_CTRL_ENABLE); /* one vector */
    pci_write16(d, cap + 2, ctrl);
    pci_intx_off(d);
    return "MSI";
}
