/*
 * pci_internal.h - internal to kernel/pci: the configuration-space access method (an ops
 * table, one per mechanism) that pci_cfg_choose picks once at pci_init.
 */
#ifndef KERNEL_PCI_PCI_INTERNAL_H
#define KERNEL_PCI_PCI_INTERNAL_H

#include "kernel/pci/pci.h"

typedef struct {
    const char *name;
    uint32_t (*read32)(const pci_dev_t *d, uint16_t off);   /* off 4-byte aligned */
    void (*write32)(const pci_dev_t *d, uint16_t off, uint32_t v);
} pci_cfg_ops_t;

/* ECAM when the MCFG names a window that answers, else the ports; returns the method name. */
const char *pci_cfg_choose(void);

#endif
