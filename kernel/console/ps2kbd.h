/*
 * ps2kbd.h - the PS/2 keyboard behind an i8042 controller (QEMU, and the many PCs whose
 * firmware emulates one for a USB keyboard). Keys become terminal bytes
 * (kernel/console/ps2keymap.h) fed to the console's input (console_input_feed).
 */
#ifndef KERNEL_CONSOLE_PS2KBD_H
#define KERNEL_CONSOLE_PS2KBD_H

#include <stdbool.h>

#define PS2KBD_VECTOR 0x21

/* Probes the controller (every wait bounded: about 50 ms at most with nothing there),
 * enables the keyboard port with scancode translation and routes IRQ 1. A missing or
 * silent controller is reported in one line and is harmless. Call after the IOAPIC, the
 * clock and the console device are set up. Returns whether a keyboard port is live. */
bool ps2kbd_init(void);

#endif
