/*
 * power.h - leaving the machine. Under the `qemu_exit` flag, QEMU's isa-debug-exit device
 * (port 0xf4) carries a fixed code; otherwise ACPI S5 (power off) or halt.
 */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

#include <stdbool.h>
#include <stdint.h>

#define POWER_QEMU_PANIC     0x01 /* QEMU exits 3 */
#define POWER_QEMU_INIT_OK   0x10 /* QEMU exits 33 */
#define POWER_QEMU_INIT_FAIL 0x11 /* QEMU exits 35 */

/* Turns the flag on (kernel_main does it from the command line). */
void power_set_qemu_exit(int enabled);
/* Leaves QEMU with code when `qemu_exit` is set; returns otherwise. */
void power_qemu_exit(uint8_t code);
/* The machine is to be switched off on purpose (the power button): the shutdown that
 * follows init's end reports status 0. */
void power_request(void);
/* Ends the boot after init exited with status: QEMU code, else ACPI power-off, else halt. */
__attribute__((noreturn)) void power_shutdown(int status);

#endif
