/*
 * test_pci_intx.c - PCI INTx routing (kernel/pci/pci_intx.c) fed the values a device and its
 * firmware may leave in configuration space: pin 0 and pins above INTD#, line 0xFF, lines
 * past the IOAPIC's GSIs, a line another handler holds, an IOAPIC that refuses. Each bad
 * value must give a log line, leave the IOAPIC and the Interrupt Disable bit alone; a good
 * one must route level/active-low by default and clear Interrupt Disable.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "host_test.h"

#include "kernel/pci/pci_intx.c"

/* ---------------------------------------------------------------- a fake device and IOAPIC */
static uint8_t cfg[256];                    /* the device's configuration space */
static uint32_t fake_gsi_limit = 24;
static bool fake_irq_busy;
static int fake_routes, fake_masks, fake_handlers;
static uint16_t fake_route_flags;
static uint8_t fake_route_irq, fake_masked_irq;
static bool fake_ioapic_refuses;
static char log_buf[1024];

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = strlen(log_buf);
    vsnprintf(log_buf + n, sizeof log_buf - n, fmt, ap);
    va_end(ap);
}

uint8_t pci_read8(const pci_dev_t *d, uint16_t off)
{
    (void)d;
    return cfg[off & 0xFF];
}

uint16_t pci_read16(const pci_dev_t *d, uint16_t off)
{
    (void)d;
    return (uint16_t)(cfg[off & 0xFE] | cfg[(off & 0xFE) + 1] << 8);
}

void pci_write16(const pci_dev_t *d, uint16_t off, uint16_t v)
{
    (void)d;
    cfg[off & 0xFE] = (uint8_t)v;
    cfg[(off & 0xFE) + 1] = (uint8_t)(v >> 8);
}

uint32_t ioapic_gsi_limit(void) { return fake_gsi_limit; }
bool ioapic_irq_free(uint8_t irq) { (void)irq; return !fake_irq_busy; }
void idt_set_handler(uint8_t vector, interrupt_handler_t handler)
{
    (void)vector; (void)handler;
    fake_handlers++;
}

int32_t ioapic_route_irq_flags(uint8_t irq, uint8_t vector, uint16_t default_flags)
{
    (void)vector;
    fake_routes++;
    fake_route_irq = irq;
    fake_route_flags = default_flags;
    return fake_ioapic_refuses ? -1 : irq;
}

void ioapic_mask_irq(uint8_t irq)
{
    fake_masks++;
    fake_masked_irq = irq;
}

static void handler(interrupt_frame_t *frame) { (void)frame; }

/* A device with pin and line, Interrupt Disable set as MSI or the firmware may leave it. */
static pci_dev_t dev_reset(uint8_t pin, uint8_t line)
{
    memset(cfg, 0, sizeof cfg);
    cfg[PCI_INTERRUPT_PIN] = pin;
    cfg[PCI_INTERRUPT_LINE] = line;
    pci_write16(NULL, PCI_COMMAND, PCI_CMD_MEMORY | PCI_CMD_INTX_OFF);
    fake_gsi_limit = 24;
    fake_irq_busy = fake_ioapic_refuses = false;
    fake_routes = fake_masks = fake_handlers = 0;
    log_buf[0] = '\0';
    return (pci_dev_t){ .bus = 0, .dev = 3, .fn = 0, .irq_line = line };
}

static bool intx_still_off(void)
{
    return (pci_read16(NULL, PCI_COMMAND) & PCI_CMD_INTX_OFF) != 0;
}

/* The refusal every bad value must give: -1, a log line naming why, nothing touched. */
static bool refused(const pci_dev_t *d, const char *why)
{
    return pci_intx_enable(d, 0x30, handler) == -1 && strstr(log_buf, "no INTx") &&
           strstr(log_buf, why) && intx_still_off() && fake_handlers == 0;
}

HOST_TEST(check_refuses_pin_zero_and_pins_past_intd)
{
    CHECK(pci_intx_check(0, 11, 24) != NULL);
    for (unsigned pin = 5; pin < 256; pin++)
        CHECK(pci_intx_check((uint8_t)pin, 11, 24) != NULL);
    for (uint8_t pin = 1; pin <= 4; pin++)
        CHECK(pci_intx_check(pin, 11, 24) == NULL);
}

HOST_TEST(check_refuses_unrouted_and_out_of_range_lines)
{
    CHECK(pci_intx_check(1, 0xFF, 24) != NULL);
    CHECK(pci_intx_check(1, 0xFF, 256) != NULL); /* 0xFF means unrouted even if it existed */
    CHECK(pci_intx_check(1, 24, 24) != NULL);
    CHECK(pci_intx_check(1, 200, 24) != NULL);
    CHECK(pci_intx_check(1, 0, 0) != NULL);      /* no usable IOAPIC: nothing routes */
    CHECK(pci_intx_check(1, 23, 24) == NULL);
    CHECK(pci_intx_check(1, 30, 48) == NULL);    /* a second IOAPIC's GSIs */
}

HOST_TEST(enable_refuses_bad_config_values_with_a_log_line)
{
    pci_dev_t d = dev_reset(0, 11);
    CHECK(refused(&d, "no interrupt pin"));
    d = dev_reset(9, 11);
    CHECK(refused(&d, "pin out of range"));
    d = dev_reset(1, 0xFF);
    CHECK(refused(&d, "line 0xFF"));
    d = dev_reset(1, 24);
    CHECK(refused(&d, "beyond the IOAPIC"));
    d = dev_reset(1, 5);
    fake_gsi_limit = 0;
    CHECK(refused(&d, "beyond the IOAPIC"));
    CHECK_EQ(fake_routes, 0);
}

HOST_TEST(enable_refuses_a_line_another_handler_holds)
{
    pci_dev_t d = dev_reset(1, 9);
    fake_irq_busy = true;
    CHECK(refused(&d, "already routed"));
    CHECK_EQ(fake_routes, 0);
}

HOST_TEST(enable_reports_an_ioapic_refusal_and_keeps_intx_off)
{
    pci_dev_t d = dev_reset(1, 11);
    fake_ioapic_refuses = true;
    CHECK_EQ(pci_intx_enable(&d, 0x30, handler), -1);
    CHECK(strstr(log_buf, "IOAPIC refused") != NULL);
    CHECK(intx_still_off());
}

HOST_TEST(enable_routes_level_active_low_and_clears_interrupt_disable)
{
    pci_dev_t d = dev_reset(1, 11);
    CHECK_EQ(pci_intx_enable(&d, 0x30, handler), 11);
    CHECK_EQ(fake_route_irq, 11);
    CHECK_EQ(fake_route_flags, 0x0F); /* level, active low (a MADT override wins there) */
    CHECK(!intx_still_off());
    CHECK(pci_read16(NULL, PCI_COMMAND) & PCI_CMD_MEMORY); /* the rest of the command kept */
    CHECK_EQ(log_buf[0], '\0');
}

HOST_TEST(disable_sets_interrupt_disable_and_masks_the_line)
{
    pci_dev_t d = dev_reset(1, 11);
    CHECK_EQ(pci_intx_enable(&d, 0x30, handler), 11);
    pci_intx_disable(&d);
    CHECK(intx_still_off());
    CHECK_EQ(fake_masks, 1);
    CHECK_EQ(fake_masked_irq, 11);
}
