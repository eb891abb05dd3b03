/*
 * console.c - fans kernel text out to every console: COM1 (if the probe found it) and the
 * framebuffer console (once initialised). Text written before the framebuffer is up is kept
 * in a small buffer and replayed onto it, so the screen shows the boot log from its start.
 *
 * Locking: one test-and-set spinlock, taken with interrupts disabled on this CPU, so a line
 * from an interrupt handler or another CPU is never interleaved with one being written.
 * kprintf holds it for a whole message (console_lock + console_write_locked). The panic path
 * calls console_force_unlocked() because the holder may never come back. As a last resort
 * against a lost holder (a fault inside the console itself), a waiter that spins for
 * CONSOLE_SPIN_LIMIT rounds takes the lock anyway: garbled text beats a silent hang.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/arch/cpu.h"
#include "kernel/arch/spinlock.h"
#include "kernel/console/console.h"

#define CONSOLE_EARLY_SIZE  4096
#define CONSOLE_SPIN_LIMIT  (1u << 28)

static volatile uint32_t console_lock_word;
static volatile bool console_lock_bypassed;
static bool console_serial_ok;

static char console_early[CONSOLE_EARLY_SIZE];
static size_t console_early_used;
static bool console_early_done; /* set once fbcon_init ran: nothing more is kept */

void console_init_early(void)
{
    console_serial_ok = serial_init(COM1_PORT);
}

void console_init_framebuffer(const boot_framebuffer_t *fb)
{
    /* Unlocked: fbcon_init reports through kprintf, which still lands in the early buffer. */
    fbcon_init(fb);
    bool irq = console_lock();
    console_early_done = true;
    if (fbcon_present()) {
        fbcon_write(console_early, console_early_used);
        static const char cut[] = "\n[console: early log truncated]\n";
        if (console_early_used == CONSOLE_EARLY_SIZE)
            fbcon_write(cut, sizeof cut - 1);
    }
    console_unlock(irq);
}

bool console_lock(void)
{
    bool irq = cpu_irqs_enabled();
    cpu_cli();
    if (console_lock_bypassed)
        return irq;
    uint32_t spins = 0;
    while (__atomic_exchange_n(&console_lock_word, 1, __ATOMIC_ACQUIRE)) {
        while (console_lock_word && ++spins < CONSOLE_SPIN_LIMIT)
            spin_wait_step(); /* answers TLB shootdowns while it waits */
        if (spins >= CONSOLE_SPIN_LIMIT)
            break; /* the holder is gone: see the header comment */
    }
    return irq;
}

void console_unlock(bool irq_were_enabled)
{
    if (!console_lock_bypassed)
        __atomic_store_n(&console_lock_word, 0, __ATOMIC_RELEASE);
    if (irq_were_enabled)
        cpu_sti();
}

static void console_keep_early(const char *s, size_t n)
{
    size_t room = CONSOLE_EARLY_SIZE - console_early_used;
    size_t k = n < room ? n : room;
    for (size_t i = 0; i < k; i++)
        console_early[console_early_used + i] = s[i];
    console_early_used += k;
}

void console_write_locked(const char *s, size_t n)
{
    if (console_serial_ok)
        serial_write(COM1_PORT, s, n);
    if (!console_early_done)
        console_keep_early(s, n);
    else
        fbcon_write(s, n);
}

void console_write(const char *s, size_t n)
{
    bool irq = console_lock();
    console_write_locked(s, n);
    console_unlock(irq);
}

void console_force_unlocked(void)
{
    console_lock_bypassed = true;
}
