/*
 * power.c - ending the boot: isa-debug-exit under `qemu_exit` (never code 0, so a QEMU exit
 * status of 0 always means "no verdict"), ACPI S5 otherwise, and halt as the last resort.
 *
 * The power button (kernel/acpi/button.c calls power_button_pressed from its interrupt)
 * wakes the "power" thread, which ends every process, children before parents; init's end
 * then returns kernel_main to power_shutdown, exactly as when the login shell exits, and
 * the request makes that a clean status 0. power_waiters and power_requested change only
 * under the scheduler lock.
 */
#include "kernel/power.h"
#include "kernel/acpi/acpi.h"
#include "kernel/arch/cpu.h"
#include "kernel/kprintf.h"
#include "sched/process.h"
#include "sched/sched.h"

#define QEMU_DEBUG_EXIT_PORT 0xf4

static int qemu_exit_enabled;
static thread_queue_t power_waiters;
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

/* Interrupt context: only wakes the thread. */
static void power_button_pressed(void)
{
    uint64_t f = sched_lock();
    power_requested = true;
    sched_wake_all(&power_waiters);
    sched_unlock(f);
}

/* Ends every process, the highest pid (the youngest) first, so init goes last. */
static void power_end_processes(void)
{
    uint64_t pids[64];
    size_t n = 0;
    for (uint64_t pid = 1; n < 64 && process_next_pid(pid, &pid); pid++)
        pids[n++] = pid;
    while (n--)
        (void)process_kill(pids[n], 0);
}

static void power_thread(void *arg)
{
    (void)arg;
    uint64_t f = sched_lock();
    while (!power_requested)
        sched_wait(&power_waiters);
    sched_unlock(f);
    kprintf("power: power button pressed: ending every process\n");
    power_end_processes();
    sched_exit_current();
}

void power_button_init(void)
{
    /* A press before the thread runs only sets power_requested, which the thread sees. */
    if (!acpi_button_init(power_button_pressed))
        return;
    thread_t *t = thread_create_kernel(process_kernel(), "power", power_thread, NULL);
    if (!t) {
        kprintf("power: no thread for the power button\n");
        return;
    }
    sched_start(t);
}
