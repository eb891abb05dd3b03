/*
 * console.h - kernel consoles: COM1 serial (probed first, absent is fine) and a
 * framebuffer text console with a built-in 8x16 font. console_write sends to all.
 */
#ifndef KERNEL_CONSOLE_CONSOLE_H
#define KERNEL_CONSOLE_CONSOLE_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <spindle/boot.h>
#include "kernel/console/uart.h" /* COM1_PORT, COM2_PORT */

/* Probes a 16550 at port (scratch/loopback test, bounded waits); true when one answered. */
bool serial_init(uint16_t port);
bool serial_present(uint16_t port);
void serial_write(uint16_t port, const char *s, size_t n);

/* Uses the framebuffer through the direct map; a no-op when fb->format is BOOT_FB_NONE. */
void fbcon_init(const boot_framebuffer_t *fb);
bool fbcon_present(void);
void fbcon_write(const char *s, size_t n);

void console_init_early(void);                       /* serial only */
void console_init_framebuffer(const boot_framebuffer_t *fb);
void console_write(const char *s, size_t n);

/*
 * Holding the console across several writes (kprintf does, for one whole message): the lock
 * also disables interrupts on this CPU; console_lock returns whether they were enabled, to
 * be handed back to console_unlock. console_write_locked must only be called in between.
 */
bool console_lock(void);
void console_unlock(bool irq_were_enabled);
void console_write_locked(const char *s, size_t n);

/* Typed input (console_input.c): keyboard drivers feed each character to the one sink the
 * console device registers (kernel/fs/dev_console.c), which must exist by then. */
void console_input_sink_register(void (*sink)(char c));
void console_input_feed(char c);

/* Panic path: makes console_write skip its lock (another CPU may hold it forever). */
void console_force_unlocked(void);

#endif
