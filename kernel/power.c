/*
 * power.c - ending the boot: isa-debug-exit under `qemu_exit` (never code 0, so a QEMU exit
 * status of 0 always means "no verdict"), ACPI S5 otherwise, and halt as the last resort.
 *
 * The power button (proc/process_power.c) ends every process and calls power_request
 * first; init's end then returns kernel_main to power_shutdown, exactly as when the login
 * shell exits, and the request makes that a clean status 0.
 */
#include "kernel/power.h"
#include "kernel/acpi/acpi.h"
#include "kernel/arch/cpu.h"
#include "kernel/kprintf.h"

#define QEMU_DEBUG_EXIT_PORT 0xf4

static int qemu_exit_enabled;
static volatile bool power_requested;

void power_set_qemu_exit(int enabled)
{
    qemu_exit_enabled = enabled;
}

void power_qemu_exit(uint8_t code)
{
    if (qemu_exit_enabled)
        outl(QEMU_DEBUG_EXIT_PORT, code);
}

void power_shutdown(int status)
{
    if (power_requested)
        status = 0; /* init was ended on purpose: that is a clean end */
    kprintf("power: shutting down (status %d)\n", status);
    power_qemu_exit(status == 0 ? POWER_QEMU_INIT_OK : POWER_QEMU_INIT_FAIL);
    acpi_poweroff();
    kprintf("power: power-off failed; halted\n");
    cpu_halt_forever();
}

void power_request(void)
{
    power_requested = true;
}
