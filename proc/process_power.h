/*
 * process_power.h - the ACPI power button ends every process for a clean power-off.
 */
#ifndef SCHED_PROCESS_POWER_H
#define SCHED_PROCESS_POWER_H

/* Starts the power-button thread and enables the ACPI power button: a press ends every
 * process, so kernel_main's power_shutdown follows with status 0. Needs the scheduler,
 * processes and the IOAPIC. */
void power_button_init(void);

#endif
