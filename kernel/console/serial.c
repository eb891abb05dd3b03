/*
 * serial.c - polled 16550 UART output (COM1 and friends) at 115200 8N1 with the FIFO on.
 *
 * A port counts as present only after two tests: the scratch register keeps what was written
 * (an empty ISA port reads back 0xff), and a byte sent in loopback mode comes back. Every wait
 * is bounded; a port that stops draining its FIFO is marked absent, so a broken or missing UART
 * costs at most one timeout, never a hung boot. Output is polled (no interrupts): the console
 * lock serialises callers.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/arch/cpu.h"
#include "kernel/console/console.h"
#include "kernel/console/uart.h"

#define UART_FIFO_SIZE   16
#define UART_DIVISOR     1      /* 115200 baud from the 1.8432 MHz clock */
#define UART_SPIN_LIMIT  200000 /* status polls before a wait gives up (well over 10 ms) */
#define SERIAL_MAX_PORTS 4

static uint16_t serial_ports[SERIAL_MAX_PORTS]; /* ports that passed the probe; 0 = free slot */

static int serial_slot(uint16_t port)
{
    for (int i = 0; i < SERIAL_MAX_PORTS; i++) {
        if (serial_ports[i] == port)
            return i;
    }
    return -1;
}

static bool serial_wait_lsr(uint16_t port, uint8_t bit)
{
    for (int i = 0; i < UART_SPIN_LIMIT; i++) {
        if (inb(port + UART_LSR) & bit)
            return true;
        cpu_pause();
    }
    return false;
}

static bool serial_scratch_ok(uint16_t port)
{
    outb(port + UART_SCR, 0x5A);
    if (inb(port + UART_SCR) != 0x5A)
        return false;
    outb(port + UART_SCR, 0xA5);
    return inb(port + UART_SCR) == 0xA5;
}

static void serial_configure(uint16_t port)
{
    outb(port + UART_IER, 0x00);
    outb(port + UART_LCR, LCR_DLAB);
    outb(port + UART_DATA, UART_DIVISOR & 0xFF);
    outb(port + UART_IER, UART_DIVISOR >> 8);
    outb(port + UART_LCR, LCR_8N1);
    outb(port + UART_FCR, FCR_ENABLE_CLEAR);
}

/* Sends one byte to itself in loopback mode; leaves the UART in normal mode either way. */
static bool serial_loopback_ok(uint16_t port)
{
    outb(port + UART_MCR, MCR_LOOPBACK);
    for (int i = 0; i < UART_FIFO_SIZE && (inb(port + UART_LSR) & LSR_DATA_READY); i++)
        (void)inb(port + UART_DATA); /* stale input from before the probe */
    bool ok = serial_wait_lsr(port, LSR_THR_EMPTY);
    if (ok) {
        outb(port + UART_DATA, 0xAE);
        ok = serial_wait_lsr(port, LSR_DATA_READY) && inb(port + UART_DATA) == 0xAE;
    }
    outb(port + UART_MCR, MCR_NORMAL);
    return ok;
}

bool serial_init(uint16_t port)
{
    if (serial_slot(port) >= 0)
        return true;
    int slot = serial_slot(0);
    if (port == 0 || slot < 0 || !serial_scratch_ok(port))
        return false;
    serial_configure(port);
    if (!serial_loopback_ok(port))
        return false;
    serial_ports[slot] = port;
    return true;
}

bool serial_present(uint16_t port)
{
    return port != 0 && serial_slot(port) >= 0;
}

/* Waits until the transmit FIFO is empty, then fills it with up to 16 bytes of s. */
static size_t serial_send_burst(uint16_t port, const char *s, size_t n, bool *cr_pending)
{
    size_t used = 0;
    for (int room = UART_FIFO_SIZE; room > 0 && (used < n || *cr_pending); room--) {
        if (!*cr_pending && s[used] == '\n') {
            *cr_pending = true;
            outb(port + UART_DATA, '\r');
            continue;
        }
        *cr_pending = false;
        outb(port + UART_DATA, (uint8_t)s[used++]);
    }
    return used;
}

void serial_write(uint16_t port, const char *s, size_t n)
{
    int slot = port ? serial_slot(port) : -1;
    if (slot < 0)
        return;
    bool cr_pending = false; /* "\r" of a "\n" went out; the "\n" itself still has to */
    size_t done = 0;
    while (done < n) {
        if (!serial_wait_lsr(port, LSR_THR_EMPTY)) {
            serial_ports[slot] = 0; /* stuck: stop paying the timeout on every write */
            return;
        }
        done += serial_send_burst(port, s + done, n - done, &cr_pending);
    }
}
