/*
 * ps2kbd.c - i8042 keyboard driver (see ps2kbd.h).
 *
 * The controller has a data port (0x60) and a status/command port (0x64). Every wait on
 * it is bounded by the clock, so a machine without one (status reads 0xFF from a floating
 * bus, or commands never complete) costs a few milliseconds and a log line, never a hang.
 * Port 1 is set up with IRQ 1 and translation to scancode set 1 on, port 2 (mouse) off; a
 * controller that keeps translation off gets a keyboard switched to set 1 instead.
 * The interrupt handler drains at most PS2_DRAIN bytes, skips bytes the controller marks
 * as coming from the mouse port, and feeds the translated bytes to the console.
 */
#include <stdbool.h>
#include <stdint.h>

#include "kernel/arch/apic.h"
#include "kernel/arch/arch.h"
#include "kernel/arch/cpu.h"
#include "kernel/console/console.h"
#include "kernel/console/ps2kbd.h"
#include "kernel/console/ps2keymap.h"
#include "kernel/kprintf.h"
#include "kernel/time/clock.h"

#define PS2_DATA        0x60
#define PS2_STATUS      0x64 /* read */
#define PS2_COMMAND     0x64 /* write */
#define ST_OUT_FULL     0x01 /* a byte waits in PS2_DATA */
#define ST_IN_FULL      0x02 /* the controller has not taken our last byte yet */
#define ST_AUX          0x20 /* the waiting byte is from port 2 (mouse) */
#define CMD_READ_CFG    0x20
#define CMD_WRITE_CFG   0x60
#define CMD_PORT2_OFF   0xA7
#define CMD_PORT1_OFF   0xAD
#define CMD_PORT1_ON    0xAE
#define CFG_PORT1_IRQ   0x01
#define CFG_PORT2_IRQ   0x02
#define CFG_PORT1_CLOCK 0x10 /* set = clock disabled */
#define CFG_TRANSLATE   0x40
#define KBD_ENABLE_SCAN 0xF4
#define KBD_SCANCODE_SET 0xF0
#define KBD_ACK         0xFA
#define PS2_WAIT_NS     10000000ULL /* 10 ms per byte: real controllers answer in microseconds */
#define PS2_FLUSH_MAX   32
#define PS2_DRAIN       16
#define PS2_IRQ         1

static ps2key_state_t ps2_keys;

static bool ps2_wait(uint8_t mask, uint8_t want)
{
    uint64_t deadline = clock_now_ns() + PS2_WAIT_NS;
    do {
        if ((inb(PS2_STATUS) & mask) == want)
            return true;
        cpu_pause();
    } while (clock_now_ns() < deadline);
    return false;
}

static bool ps2_command(uint8_t cmd)
{
    if (!ps2_wait(ST_IN_FULL, 0))
        return false;
    outb(PS2_COMMAND, cmd);
    return true;
}

static bool ps2_write_data(uint8_t v)
{
    if (!ps2_wait(ST_IN_FULL, 0))
        return false;
    outb(PS2_DATA, v);
    return true;
}

static bool ps2_read_data(uint8_t *v)
{
    if (!ps2_wait(ST_OUT_FULL, ST_OUT_FULL))
        return false;
    *v = inb(PS2_DATA);
    return true;
}

static void ps2_flush(void)
{
    for (int i = 0; i < PS2_FLUSH_MAX && (inb(PS2_STATUS) & ST_OUT_FULL); i++)
        (void)inb(PS2_DATA);
}

static void ps2_irq(interrupt_frame_t *frame)
{
    (void)frame;
    for (int i = 0; i < PS2_DRAIN; i++) {
        uint8_t st = inb(PS2_STATUS);
        if (!(st & ST_OUT_FULL))
            break;
        uint8_t code = inb(PS2_DATA);
        if (st & ST_AUX)
            continue;
        char out[PS2KEY_OUT_MAX];
        size_t n = ps2key_feed(&ps2_keys, code, out);
        for (size_t k = 0; k < n; k++)
            console_input_feed(out[k]);
    }
    apic_eoi();
}

/* Controller setup; returns a reason on failure. */
static const char *ps2_setup(bool *translating)
{
    if (inb(PS2_STATUS) == 0xFF)
        return "no controller (status port reads 0xFF)";
    if (!ps2_command(CMD_PORT1_OFF) || !ps2_command(CMD_PORT2_OFF))
        return "controller does not take commands";
    ps2_flush();
    uint8_t cfg;
    if (!ps2_command(CMD_READ_CFG) || !ps2_read_data(&cfg))
        return "no configuration byte";
    cfg = (uint8_t)((cfg | CFG_PORT1_IRQ | CFG_TRANSLATE) & ~(CFG_PORT2_IRQ | CFG_PORT1_CLOCK));
    if (!ps2_command(CMD_WRITE_CFG) || !ps2_write_data(cfg))
        return "configuration not accepted";
    uint8_t now = 0;
    *translating = ps2_command(CMD_READ_CFG) && ps2_read_data(&now) && (now & CFG_TRANSLATE);
    if (!ps2_command(CMD_PORT1_ON))
        return "keyboard port does not turn on";
    return NULL;
}

/* Asks the keyboard itself for scancode set 1, for a controller that will not translate. */
static void ps2_select_set1(void)
{
    uint8_t ack;
    for (int i = 0; i < 2; i++) {
        uint8_t byte = i == 0 ? KBD_SCANCODE_SET : 1;
        if (!ps2_write_data(byte) || !ps2_read_data(&ack) || ack != KBD_ACK) {
            kprintf("ps2kbd: keyboard refused scancode set 1: keys may come out wrong\n");
            return;
        }
    }
}

bool ps2kbd_init(void)
{
    bool translating = false;
    const char *why = ps2_setup(&translating);
    if (why) {
        kprintf("ps2kbd: %s; no PS/2 keyboard\n", why);
        return false;
    }
    /* A keyboard may be absent from a live controller; the port stays harmless then. */
    if (!translating)
        ps2_select_set1();
    uint8_t ack = 0;
    bool answered = ps2_write_data(KBD_ENABLE_SCAN) && ps2_read_data(&ack) && ack == KBD_ACK;
    ps2_flush();
    idt_set_handler(PS2KBD_VECTOR, ps2_irq);
    ioapic_route_irq(PS2_IRQ, PS2KBD_VECTOR);
    kprintf("ps2kbd: i8042 keyboard port on IRQ %u%s\n", PS2_IRQ,
            answered ? "" : " (no keyboard answered yet)");
    return true;
}
