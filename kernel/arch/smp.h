/*
 * smp.h - multiprocessor bring-up and per-CPU data. smp_init starts every enabled CPU of the
 * ACPI MADT (INIT-SIPI-SIPI, real-mode trampoline), gives each its own GDT, TSS, IST stacks,
 * kernel stack, SYSCALL MSRs and LAPIC, and parks it (interrupts off, hlt) until the
 * scheduler takes it. A CPU that does not answer in time is logged and skipped.
 *
 * CPU numbers are dense: 0 is the boot CPU, 1.. the APs in MADT order. The current CPU is
 * found without GS (user GS stays live in the kernel): RDTSCP returns IA32_TSC_AUX, which
 * holds the CPU number on every CPU (the scheduler's sched_cpu_this reads the same MSR); a
 * CPU without RDTSCP falls back to looking up its APIC id.
 */
#ifndef KERNEL_ARCH_SMP_H
#define KERNEL_ARCH_SMP_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/arch/gdt.h"

#define SMP_MAX_CPUS        ARCH_MAX_CPUS
#define SMP_AP_STACK_SIZE   (16 * 1024)
#define SMP_START_TIMEOUT_NS 100000000ULL   /* 100 ms for an AP to report online */

typedef enum {
    PERCPU_ABSENT = 0,  /* slot unused */
    PERCPU_STARTING,    /* SIPI sent, not online yet */
    PERCPU_ONLINE,      /* ran its per-CPU setup; parked or scheduling */
    PERCPU_FAILED,      /* did not answer in time; sent back to wait-for-SIPI */
} percpu_state_t;

typedef struct {
    unsigned index;               /* dense CPU number (TSC_AUX value) */
    uint32_t apic_id;
    percpu_state_t state;         /* atomic: AP and boot CPU race on STARTING -> ... */
    uint64_t stack_top;           /* kernel stack the AP started on (parks on it) */
    uint64_t ist_tops[IST_STACK_COUNT];
    /* Observed by the CPU itself during bring-up (for tests and the scheduler's checks). */
    uint32_t seen_tsc_aux;        /* RDTSCP's aux on that CPU (~0 without RDTSCP) */
    uint32_t seen_apic_id;
    uint64_t seen_gdt_base;       /* sgdt */
    uint16_t seen_tr;             /* str */
    /* Panic stop and NMI ping (kernel/arch/smp_nmi.c). */
    bool stopped;                 /* halted by the panic NMI */
    uint64_t ping_req, ping_ack;  /* ping sequence numbers; ack written in the NMI handler */
    uint32_t ping_tsc_aux;        /* TSC_AUX read inside the last ping's NMI */
} percpu_t;

/* Boot CPU, after apic_init and clock_init: fills CPU 0's record and starts the APs. */
void smp_init(void);

/* The calling CPU's number (0 before smp_init and on single-CPU machines). Usable in any
 * context, NMI included: no lock, no GS. */
unsigned smp_cpu_index(void);
/* Record of CPU index (NULL past the CPUs found); percpu_this() is the caller's. */
percpu_t *percpu_get(unsigned index);
percpu_t *percpu_this(void);
/* Number of CPU records (boot CPU plus every AP tried) and of CPUs online. */
unsigned smp_cpu_count(void);
unsigned smp_online_count(void);
bool smp_cpu_online(unsigned index);

/* Per-CPU NMI handling (smp_nmi.c): installed by smp_init. */
void smp_nmi_install(void);
/* Makes CPU index take an NMI and waits (bounded) for it to answer; true when it did. Used
 * by self-tests to prove a parked CPU still takes the panic NMI. */
bool smp_nmi_ping(unsigned index);

/* For smp.c / smp_nmi.c only. */
void smp_percpu_register(unsigned index, uint32_t apic_id);
bool smp_have_rdtscp(void);

#endif
