/*
 * smp_nmi.c - NMIs between CPUs: the panic stop and a ping for self-tests.
 *
 * A panicking CPU (the first to reach panic_stop_other_cpus; any later one just halts, so
 * the first one's report is not cut short) sends an NMI to every other online CPU and waits
 * a bounded time for each to say it stopped. NMIs get through with interrupts off, so a
 * parked CPU (cli; hlt) answers too. The handler on the NMI vector: during a panic, mark
 * this CPU stopped and halt for good; a pending ping is answered; anything else is a real
 * NMI and goes to the default exception path.
 */
#include "kernel/arch/smp.h"
#include "kernel/arch/apic.h"
#include "kernel/arch/arch.h"
#include "kernel/arch/cpu.h"
#include "kernel/kprintf.h"
#include "kernel/panic.h"
#include "kernel/time/clock.h"

#define NMI_WAIT_STEP_NS  10000ULL
#define NMI_WAIT_STEPS    10000       /* 100 ms; bounded even before clock_init */
#define NO_OWNER          (~0u)

static unsigned stop_owner = NO_OWNER;

static void smp_nmi_handler(interrupt_frame_t *frame)
{
    percpu_t *p = percpu_this();
    if (panic_in_progress()) {
        if (p)
            __atomic_store_n(&p->stopped, true, __ATOMIC_RELEASE);
        cpu_halt_forever();
    }
    if (p) {
        uint64_t req = __atomic_load_n(&p->ping_req, __ATOMIC_ACQUIRE);
        if (req != __atomic_load_n(&p->ping_ack, __ATOMIC_RELAXED)) {
            uint32_t lo, hi, aux = ~0u;
            if (smp_have_rdtscp())
                __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
            p->ping_tsc_aux = aux;
            __atomic_store_n(&p->ping_ack, req, __ATOMIC_RELEASE);
            return;
        }
    }
    exception_handle(frame); /* a real NMI: the default report (or the user-mode hook) */
}

void smp_nmi_install(void)
{
    idt_set_handler(VECTOR_NMI, smp_nmi_handler);
}

/* Waits (bounded) until done() holds for every CPU marked in sent; returns how many did. */
static unsigned smp_nmi_wait(const bool *sent, bool (*done)(const percpu_t *), unsigned want)
{
    unsigned got = 0;
    for (int step = 0; step <= NMI_WAIT_STEPS; step++) {
        got = 0;
        for (unsigned i = 0; i < smp_cpu_count(); i++)
            if (sent[i] && done(percpu_get(i)))
                got++;
        if (got == want)
            break;
        clock_delay_ns(NMI_WAIT_STEP_NS);
    }
    return got;
}

static bool percpu_is_stopped(const percpu_t *p)
{
    return __atomic_load_n(&p->stopped, __ATOMIC_ACQUIRE);
}

static bool percpu_ping_answered(const percpu_t *p)
{
    return __atomic_load_n(&p->ping_ack, __ATOMIC_ACQUIRE) ==
           __atomic_load_n(&p->ping_req, __ATOMIC_RELAXED);
}

void panic_stop_other_cpus(void)
{
    unsigned self = smp_cpu_index(), owner = NO_OWNER;
    if (!__atomic_compare_exchange_n(&stop_owner, &owner, self, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        if (owner != self)
            cpu_halt_forever(); /* another CPU is reporting; its NMI will find us halted */
        return;                 /* nested panic on this CPU: the others are stopped already */
    }
    bool sent[SMP_MAX_CPUS] = { false };
    unsigned want = 0;
    for (unsigned i = 0; i < smp_cpu_count(); i++) {
        if (i == self || !smp_cpu_online(i))
            continue;
        sent[i] = apic_send_ipi(percpu_get(i)->apic_id, APIC_IPI_NMI);
        want += sent[i];
    }
    if (want == 0)
        return;
    unsigned got = smp_nmi_wait(sent, percpu_is_stopped, want);
    kprintf("panic: %u of %u other CPUs stopped\n", got, want);
}

bool smp_nmi_ping(unsigned index)
{
    percpu_t *p = percpu_get(index);
    if (!p || index == smp_cpu_index() || !smp_cpu_online(index))
        return false;
    __atomic_add_fetch(&p->ping_req, 1, __ATOMIC_ACQ_REL);
    bool sent[SMP_MAX_CPUS] = { false };
    sent[index] = true;
    if (!apic_send_ipi(p->apic_id, APIC_IPI_NMI))
        return false;
    return smp_nmi_wait(sent, percpu_ping_answered, 1) == 1;
}
