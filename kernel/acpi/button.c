/*
 * button.c - the ACPI power button as a fixed event (ACPI 6.5, 4.8.3.1): PWRBTN_EN in the
 * PM1 enable registers, the SCI (FADT SCI_INT, level triggered) routed through the IOAPIC,
 * and a handler that clears PWRBTN_STS and calls the function registered by
 * acpi_button_init (kernel/power.c's, which shuts down the way init's exit does).
 *
 * We run no AML, so general-purpose events are turned off at init: an enabled GPE nobody
 * clears would hold the level-triggered SCI up forever. Every PM1/GPE status bit found set
 * is cleared by the handler; an SCI that keeps coming with nothing to clear is masked after
 * ACPI_SCI_STORM in a row, with one log line, instead of stalling the CPU.
 */
#include "kernel/acpi/acpi.h"
#include "kernel/arch/apic.h"
#include "kernel/arch/arch.h"
#include "kernel/arch/cpu.h"
#include "kernel/kprintf.h"

#define PM1_PWRBTN          (1u << 8)
#define ACPI_SCI_VECTOR     0x29
#define ACPI_SCI_STORM      1000
#define MPS_LEVEL_LOW       0x0Fu

static void (*button_pressed)(void);
static unsigned sci_empty_in_row;

/* Writes the set bits back (write-1-to-clear); returns them. */
static uint16_t pm1_status_clear(uint32_t port)
{
    if (!port)
        return 0;
    uint16_t st = inw((uint16_t)port);
    if (st && st != 0xFFFF)
        outw((uint16_t)port, st);
    return st == 0xFFFF ? 0 : st;
}

/* Clears every set GPE0 status bit; returns whether there was one. */
static bool gpe_status_clear(void)
{
    bool any = false;
    for (unsigned i = 0; i < acpi_info.gpe0_len / 2u; i++) {
        uint16_t port = (uint16_t)(acpi_info.gpe0_port + i);
        uint8_t st = inb(port);
        if (st && st != 0xFF) {
            outb(port, st);
            any = true;
        }
    }
    return any;
}

static void acpi_sci(interrupt_frame_t *frame)
{
    (void)frame;
    uint16_t st = pm1_status_clear(acpi_info.pm1a_evt_port) |
                  pm1_status_clear(acpi_info.pm1b_evt_port);
    bool gpe = gpe_status_clear();
    if (st & PM1_PWRBTN) {
        sci_empty_in_row = 0;
        if (button_pressed)
            button_pressed();
    } else if (!st && !gpe && ++sci_empty_in_row >= ACPI_SCI_STORM) {
        ioapic_mask_irq((uint8_t)acpi_info.sci_irq);
        kprintf("acpi: SCI keeps firing with no status set; masked (no power button)\n");
    }
    apic_eoi();
}

static void pm1_enable_button(uint32_t port)
{
    if (!port)
        return;
    uint16_t en = (uint16_t)(port + acpi_info.pm1_evt_len / 2u);
    outw((uint16_t)port, PM1_PWRBTN);           /* a press from before boot does not count */
    outw(en, (uint16_t)(inw(en) | PM1_PWRBTN));
}

bool acpi_button_init(void (*pressed)(void))
{
    if (!acpi_info.present || !acpi_info.power_button_fixed || acpi_info.pm1a_evt_port == 0) {
        kprintf("acpi: no fixed-event power button\n");
        return false;
    }
    button_pressed = pressed;
    acpi_mode_enable();
    for (unsigned i = 0; i < acpi_info.gpe0_len / 2u; i++) /* enable half: all off */
        outb((uint16_t)(acpi_info.gpe0_port + acpi_info.gpe0_len / 2u + i), 0);
    (void)gpe_status_clear();
    pm1_enable_button(acpi_info.pm1a_evt_port);
    pm1_enable_button(acpi_info.pm1b_evt_port);
    idt_set_handler(ACPI_SCI_VECTOR, acpi_sci);
    ioapic_route_irq_flags((uint8_t)acpi_info.sci_irq, ACPI_SCI_VECTOR, MPS_LEVEL_LOW);
    kprintf("acpi: power button on SCI IRQ %u (PM1 events at 0x%x)\n", acpi_info.sci_irq,
            acpi_info.pm1a_evt_port);
    return true;
}
