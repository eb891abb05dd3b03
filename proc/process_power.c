/*
 * process_power.c - the ACPI power button: kernel/acpi/button.c calls power_button_pressed
 * from its interrupt, which only wakes the "power" thread; that thread asks for a clean
 * power-off (power_request) and ends every process, children before parents, so init's end
 * returns kernel_main to power_shutdown as when the login shell exits. It belongs with the
 * processes (it ends them), above the power-off code in kernel/power.c. power_waiters and
 * power_pressed change only under the scheduler lock.
 */
#include "proc/process_power.h"
#include "kernel/acpi/acpi.h"
#include "kernel/kprintf.h"
#include "kernel/power.h"
#include "proc/process.h"
#include "sched/sched.h"

#define POWER_MAX_PROCESSES 64

static thread_queue_t power_waiters;
static bool power_pressed;

/* Interrupt context: only wakes the thread. */
static void power_button_pressed(void)
{
    uint64_t f = sched_lock();
    power_pressed = true;
    sched_wake_all(&power_waiters);
    sched_unlock(f);
}

/* Ends every process, the highest pid (the youngest) first, so init goes last. */
static void power_end_processes(void)
{
    uint64_t pids[POWER_MAX_PROCESSES];
    size_t n = 0;
    for (uint64_t pid = 1; n < POWER_MAX_PROCESSES && process_next_pid(pid, &pid); pid++)
        pids[n++] = pid;
    while (n--)
        (void)process_kill(pids[n], 0);
}

static void power_thread(void *arg)
{
    (void)arg;
    uint64_t f = sched_lock();
    while (!power_pressed)
        sched_wait(&power_waiters);
    sched_unlock(f);
    kprintf("power: power button pressed: ending every process\n");
    power_request();
    power_end_processes();
    sched_exit_current();
}

void power_button_init(void)
{
    /* A press before the thread runs only sets power_pressed, which the thread sees. */
    if (!acpi_button_init(power_button_pressed))
        return;
    thread_t *t = thread_create_kernel(process_kernel(), "power", power_thread, NULL);
    if (!t) {
        kprintf("power: no thread for the power button\n");
        return;
    }
    sched_start(t);
}
