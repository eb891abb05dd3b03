/*
 * pci_intx.c - legacy INTx for devices without MSI-X/MSI: the Interrupt Pin and Line the
 * firmware left in configuration space, routed through the IOAPIC level triggered.
 *
 * We run no AML, so the _PRT that says where each pin really lands is out of reach; the
 * firmware's Interrupt Line (the ISA IRQ it routed the pin to) is all we have. Both values
 * come from the device and the firmware and are checked: pin 0 (no INTx), line 0xFF
 * (not routed) and a line no IOAPIC serves are refused with a log line. A line already in
 * use by another handler (the SCI, a UART, another device) is refused too: one IOAPIC entry
 * delivers one vector, so sharing between our drivers would silence the first one.
 */
#include "kernel/arch/apic.h"
#include "kernel/kprintf.h"
#include "kernel/pci/pci.h"

#define PCI_INTX_PIN_MAX    4      /* INTA# .. INTD# */
#define PCI_LINE_UNROUTED   0xFF
#define MPS_LEVEL_LOW       0x0Fu  /* PCI INTx: level, active low, unless the MADT overrides */

const char *pci_intx_check(uint8_t pin, uint8_t line, uint32_t gsi_limit)
{
    if (pin == 0)
        return "no interrupt pin";
    if (pin > PCI_INTX_PIN_MAX)
        return "interrupt pin out of range";
    if (line == PCI_LINE_UNROUTED)
        return "the firmware did not route its pin (line 0xFF)";
    if (line >= gsi_limit)
        return "its line is beyond the IOAPIC's GSIs";
    return NULL;
}

void pci_intx_off(const pci_dev_t *d)
{
    uint16_t cmd = pci_read16(d, PCI_COMMAND);
    pci_write16(d, PCI_COMMAND, (uint16_t)(cmd | PCI_CMD_INTX_OFF));
}

int32_t pci_intx_enable(const pci_dev_t *d, uint8_t vector, interrupt_handler_t handler)
{
    uint8_t pin = pci_read8(d, PCI_INTERRUPT_PIN);
    uint8_t line = d->irq_line;
    const char *why = pci_intx_check(pin, line, ioapic_gsi_limit());
    if (!why && !ioapic_irq_free(line))
        why = "its line is already routed to another handler (not shared)";
    int32_t gsi = -1;
    if (!why) {
        idt_set_handler(vector, handler);
        gsi = ioapic_route_irq_flags(line, vector, MPS_LEVEL_LOW);
        if (gsi < 0)
            why = "the IOAPIC refused its line";
    }
    if (why) {
        kprintf("pci: %02x:%02x.%u: no INTx (pin %u, line %u): %s\n", d->bus, d->dev, d->fn,
                pin, line, why);
        return -1;
    }
    uint16_t cmd = pci_read16(d, PCI_COMMAND);
    pci_write16(d, PCI_COMMAND, (uint16_t)(cmd & ~PCI_CMD_INTX_OFF));
    return gsi;
}

void pci_intx_disable(const pci_dev_t *d)
{
    pci_intx_off(d);
    ioapic_mask_irq(d->irq_line);
}
