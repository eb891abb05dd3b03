/*
 * pci.c - enumeration and the driver model (see pci.h). Buses are walked from bus 0: every
 * device and function that answers is logged, handed to the first registered driver whose
 * class/subclass/prog-if match, and PCI-to-PCI bridges queue their secondary bus. A bitmap
 * of buses seen makes a hostile or looping topology end: each bus is scanned at most once,
 * so the walk costs at most 256 x 32 x 8 function reads.
 *
 * Drivers register before pci_init and are never removed: the list needs no lock.
 */
#include "kernel/kprintf.h"
#include "kernel/pci/pci.h"
#include "kernel/pci/pci_internal.h"

#define PCI_CLASS_BRIDGE     0x06
#define PCI_SUBCLASS_P2P     0x04
#define PCI_HEADER_MULTI     0x80
#define PCI_HEADER_KIND_MASK 0x7F
#define PCI_HEADER_BRIDGE    0x01
#define PCI_BUSES            256

static pci_driver_t *pci_drivers;
static unsigned pci_device_count;

void pci_driver_register(pci_driver_t *drv)
{
    drv->next = pci_drivers;
    pci_drivers = drv;
}

static bool pci_field_match(uint16_t want, uint8_t have)
{
    return want == PCI_ANY || want == have;
}

static void pci_probe_drivers(const pci_dev_t *d)
{
    for (pci_driver_t *drv = pci_drivers; drv; drv = drv->next) {
        if (!pci_field_match(drv->class_code, d->class_code) ||
            !pci_field_match(drv->subclass, d->subclass) ||
            !pci_field_match(drv->prog_if, d->prog_if))
            continue;
        if (drv->probe(d)) {
            kprintf("pci: %02x:%02x.%u taken by %s\n", d->bus, d->dev, d->fn, drv->name);
            return;
        }
    }
}

/* Reads one function's identity; false when nothing answers there. */
static bool pci_function_read(pci_dev_t *d)
{
    uint32_t id = pci_read32(d, PCI_VENDOR_ID);
    if ((id & 0xFFFF) == 0xFFFF || (id & 0xFFFF) == 0)
        return false;
    uint32_t cls = pci_read32(d, PCI_CLASS_REV);
    d->vendor = (uint16_t)id;
    d->device = (uint16_t)(id >> 16);
    d->class_code = (uint8_t)(cls >> 24);
    d->subclass = (uint8_t)(cls >> 16);
    d->prog_if = (uint8_t)(cls >> 8);
    d->irq_line = pci_read8(d, PCI_INTERRUPT_LINE);
    return true;
}

typedef struct {
    uint8_t queue[PCI_BUSES];
    unsigned head, tail;
    uint8_t seen[PCI_BUSES / 8];
} pci_walk_t;

static void pci_bus_queue(pci_walk_t *w, uint8_t bus)
{
    if (w->seen[bus / 8] & (1u << (bus % 8)))
        return;
    w->seen[bus / 8] |= (uint8_t)(1u << (bus % 8));
    w->queue[w->tail++ % PCI_BUSES] = bus;
}

static void pci_function_found(pci_walk_t *w, pci_dev_t *d, uint8_t header)
{
    pci_device_count++;
    kprintf("pci: %02x:%02x.%u %04x:%04x class %02x.%02x.%02x\n", d->bus, d->dev, d->fn,
            d->vendor, d->device, d->class_code, d->subclass, d->prog_if);
    if ((header & PCI_HEADER_KIND_MASK) == PCI_HEADER_BRIDGE &&
        d->class_code == PCI_CLASS_BRIDGE && d->subclass == PCI_SUBCLASS_P2P) {
        uint8_t sec = pci_read8(d, PCI_SECONDARY_BUS);
        if (sec != 0 && sec != d->bus)
            pci_bus_queue(w, sec);
        return;
    }
    pci_probe_drivers(d);
}

static void pci_bus_scan(pci_walk_t *w, uint8_t bus)
{
    for (uint8_t dev = 0; dev < 32; dev++) {
        pci_dev_t d = { .bus = bus, .dev = dev, .fn = 0 };
        if (!pci_function_read(&d))
            continue;
        uint8_t header = pci_read8(&d, PCI_HEADER_TYPE);
        pci_function_found(w, &d, header);
        if (!(header & PCI_HEADER_MULTI))
            continue;
        for (uint8_t fn = 1; fn < 8; fn++) {
            pci_dev_t f = { .bus = bus, .dev = dev, .fn = fn };
            if (pci_function_read(&f))
                pci_function_found(w, &f, pci_read8(&f, PCI_HEADER_TYPE));
        }
    }
}

void pci_init(void)
{
    static pci_walk_t walk; /* 300 bytes: kept off the thread's stack */
    const char *how = pci_cfg_choose();
    walk.head = walk.tail = 0;
    for (unsigned i = 0; i < sizeof walk.seen; i++)
        walk.seen[i] = 0;
    pci_device_count = 0;
    pci_bus_queue(&walk, 0);
    while (walk.head != walk.tail)
        pci_bus_scan(&walk, walk.queue[walk.head++ % PCI_BUSES]);
    kprintf("pci: %u functions through %s\n", pci_device_count, how);
}
