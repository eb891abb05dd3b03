/*
 * apic.c - the boot CPU's local APIC: x2APIC (MSR interface) when CPUID offers it, else xAPIC
 * MMIO through the direct map with the page remapped uncached; spurious vector 0xFF; EOI;
 * the LAPIC timer (calibrated against the TSC clock, periodic on APIC_TIMER_VECTOR).
 *
 * Invariants: lapic_read/lapic_write are used only after apic_init found a usable APIC
 * (lapic_ready); until then apic_eoi is a no-op and apic_id falls back to CPUID. In x2APIC
 * mode only LVT registers the APIC reports (max LVT) are touched: others raise #GP there.
 */
#include "kernel/arch/apic.h"
#include "kernel/acpi/acpi.h"
#include "kernel/arch/arch_mem.h"
#include "kernel/arch/arch.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/hooks.h"
#include "kernel/arch/smp.h"
#include "kernel/kprintf.h"
#include "kernel/panic.h"
#include "kernel/time/clock.h"
#include "mm/hhdm.h"

#define APIC_BASE_BSP       (1ULL << 8)
#define APIC_BASE_EXTD      (1ULL << 10)
#define APIC_BASE_ENABLE    (1ULL << 11)
#define APIC_BASE_ADDR_MASK 0x000FFFFFFFFFF000ULL
#define X2APIC_MSR_BASE     0x800u
#define CPUID_1_ECX_X2APIC  (1u << 21)
#define CPUID_1_EDX_APIC    (1u << 9)

#define LAPIC_ID            0x020
#define LAPIC_VERSION       0x030
#define LAPIC_TPR           0x080
#define LAPIC_EOI           0x0B0
#define LAPIC_SVR           0x0F0
#define LAPIC_ESR           0x280
#define LAPIC_ICR_LOW       0x300
#define LAPIC_ICR_HIGH      0x310
#define X2APIC_MSR_ICR      0x830u      /* one 64-bit register: destination in bits 63:32 */
#define ICR_SEND_PENDING    (1u << 12)  /* xAPIC only */
#define ICR_SPIN_LIMIT      1000000
#define LAPIC_LVT_CMCI      0x2F0
#define LAPIC_LVT_TIMER     0x320
#define LAPIC_LVT_THERMAL   0x330
#define LAPIC_LVT_PERF      0x340
#define LAPIC_LVT_LINT0     0x350
#define LAPIC_LVT_LINT1     0x360
#define LAPIC_LVT_ERROR     0x370
#define LAPIC_TIMER_INIT    0x380
#define LAPIC_TIMER_CUR     0x390
#define LAPIC_TIMER_DIV     0x3E0

#define LVT_MASKED          (1u << 16)
#define LVT_DELIVERY_NMI    (4u << 8)
#define LVT_TIMER_PERIODIC  APIC_LVT_TIMER_PERIODIC
#define SVR_ENABLE          (1u << 8)
#define TIMER_DIV_16        0x3u
#define TIMER_CAL_NS        2000000ULL  /* 2 ms: >100k LAPIC counts, error well under 0.1 % */

static volatile uint32_t *lapic_mmio;
static bool lapic_x2;
static bool lapic_ready;
static uint64_t lapic_timer_hz;       /* after the divider */
static uint64_t lapic_ticks[SMP_MAX_CPUS];
static uint32_t lapic_period_count;   /* initial count of the periodic tick, 0: not running */

static uint32_t lapic_read(uint32_t reg)
{
    if (lapic_x2)
        return (uint32_t)rdmsr(X2APIC_MSR_BASE + (reg >> 4));
    return lapic_mmio[reg / 4];
}

static void lapic_write(uint32_t reg, uint32_t v)
{
    /* The timer's mode changes only while it is stopped (lapic_timer_program says why). */
    ASSERT(reg != LAPIC_LVT_TIMER || lapic_read(LAPIC_TIMER_INIT) == 0);
    if (lapic_x2)
        wrmsr(X2APIC_MSR_BASE + (reg >> 4), v);
    else
        lapic_mmio[reg / 4] = v;
}

/* Every change of the timer's mode or count goes through here, in this order: stop it
 * (initial count 0), set the mode, then load the count. The mode must never change while a
 * count meant for the other mode is loaded: QEMU (hw/intc/apic.c) re-arms the timer on an
 * LVT write with the count already there, so switching to periodic while a one-shot's
 * count of 1 is loaded makes a 32 ns periodic timer. Its main loop then fires it back to
 * back, each expiry scheduling the next one 32 ns after the last, never catching up with
 * the clock, and holds the big lock all the while, so the vCPU never gets to write the
 * period that would end it: the machine freezes, every sleeper with it. This was the lost
 * wake-up of tickless idle (issue 18). On hardware the same order would be a short
 * interrupt storm. lapic_write ASSERTs the rule for every write of the timer's LVT entry. */
static void lapic_timer_program(uint32_t lvt, uint32_t count)
{
    lapic_write(LAPIC_TIMER_INIT, 0);
    lapic_write(LAPIC_LVT_TIMER, lvt);
    lapic_write(LAPIC_TIMER_INIT, count);
}

volatile void *apic_mmio_map(uint64_t phys)
{
    uint64_t page = PAGE_ALIGN_DOWN(phys);
    uint64_t limit = acpi_hhdm_limit ? acpi_hhdm_limit : (4ULL << 30);

    /* The direct map uses 2 MiB/1 GiB pages that a 4 KiB mapping won't split, so the
     * uncached mapping goes into a window of its own. */
    if (page < APIC_MMIO_WINDOW_SIZE) {
        if (arch_mem()->map_uncached(APIC_MMIO_WINDOW + page, page))
            return (volatile void *)(APIC_MMIO_WINDOW + phys);
        kprintf("apic: can't map MMIO page 0x%llx uncached\n", (unsigned long long)page);
    }
    /* Fallback: the write-back direct map. PC firmware's MTRRs mark the APIC and HPET ranges
     * uncacheable, which wins over WB in the page tables. */
    return page < limit ? (volatile void *)phys_to_virt(phys) : NULL;
}

bool apic_x2apic_mode(void)
{
    return lapic_ready && lapic_x2;
}

uint32_t apic_id(void)
{
    uint32_t a, b, c, d;
    if (lapic_ready)
        return lapic_x2 ? lapic_read(LAPIC_ID) : lapic_read(LAPIC_ID) >> 24;
    cpuid(1, 0, &a, &b, &c, &d);
    return b >> 24;
}

void apic_eoi(void)
{
    if (lapic_ready)
        lapic_write(LAPIC_EOI, 0);
}

#define LAPIC_ISR_BASE 0x100 /* eight 32-bit in-service registers, 0x10 apart */

bool apic_in_service(uint8_t vector)
{
    if (!lapic_ready)
        return false;
    uint32_t isr = lapic_read(LAPIC_ISR_BASE + 0x10u * (vector / 32u));
    return isr & (1u << (vector % 32u));
}

/* Chooses the mode and makes the registers reachable; false when there is no usable APIC. */
static bool lapic_mode_set(void)
{
    uint32_t a, b, c, d;

    cpuid(1, 0, &a, &b, &c, &d);
    if (!(d & CPUID_1_EDX_APIC))
        return false; /* and MSR_APIC_BASE would #GP */
    uint64_t base = rdmsr(MSR_APIC_BASE);
    lapic_x2 = (c & CPUID_1_ECX_X2APIC) || (base & APIC_BASE_EXTD);
    if (!(base & APIC_BASE_ENABLE)) {
        base |= APIC_BASE_ENABLE; /* xAPIC first: disabled -> x2APIC directly is invalid */
        wrmsr(MSR_APIC_BASE, base);
    }
    if (lapic_x2) {
        if (!(base & APIC_BASE_EXTD))
            wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);
        return true;
    }
    uint64_t phys = base & APIC_BASE_ADDR_MASK;
    if (acpi_info.lapic_phys && acpi_info.lapic_phys != phys)
        kprintf("apic: MADT says LAPIC at 0x%llx, MSR says 0x%llx: using the MSR\n",
                (unsigned long long)acpi_info.lapic_phys, (unsigned long long)phys);
    lapic_mmio = apic_mmio_map(phys);
    if (!lapic_mmio)
        kprintf("apic: LAPIC at 0x%llx is outside the direct map\n", (unsigned long long)phys);
    return lapic_mmio != NULL;
}

/* Everything masked except LINT1 (NMI); errors cleared; software-enabled with vector 0xFF. */
static void lapic_setup_local(void)
{
    uint32_t max_lvt = (lapic_read(LAPIC_VERSION) >> 16) & 0xFF;

    lapic_write(LAPIC_TPR, 0);
    lapic_timer_program(LVT_MASKED | APIC_TIMER_VECTOR, 0); /* the firmware's timer stops */
    lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
    lapic_write(LAPIC_LVT_LINT1, LVT_DELIVERY_NMI);
    lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
    if (max_lvt >= 4)
        lapic_write(LAPIC_LVT_PERF, LVT_MASKED);
    if (max_lvt >= 5)
        lapic_write(LAPIC_LVT_THERMAL, LVT_MASKED);
    if (max_lvt >= 6)
        lapic_write(LAPIC_LVT_CMCI, LVT_MASKED);
    lapic_write(LAPIC_ESR, 0); /* the ESR latches on write: twice clears old errors */
    lapic_write(LAPIC_ESR, 0);
    lapic_write(LAPIC_SVR, SVR_ENABLE | APIC_SPURIOUS_VECTOR);
    lapic_write(LAPIC_EOI, 0);
}

void apic_init(void)
{
    if (!lapic_mode_set()) {
        kprintf("apic: no usable local APIC: no timer interrupts\n");
        return;
    }
    lapic_ready = true;
    lapic_setup_local();
    kprintf("apic: %s mode, id %u, version 0x%x\n", lapic_x2 ? "x2APIC" : "xAPIC", apic_id(),
            lapic_read(LAPIC_VERSION) & 0xFF);
    ioapic_init();
}

void apic_init_ap(void)
{
    if (!lapic_ready || !lapic_mode_set())
        return;
    lapic_setup_local();
}

bool apic_send_ipi(uint32_t dest, uint32_t icr_low)
{
    if (!lapic_ready)
        return false;
    if (lapic_x2) {
        wrmsr(X2APIC_MSR_ICR, ((uint64_t)dest << 32) | icr_low);
        return true;
    }
    if (dest > 0xFE) /* 0xFF is the xAPIC broadcast id */
        return false;
    lapic_write(LAPIC_ICR_HIGH, dest << 24);
    lapic_write(LAPIC_ICR_LOW, icr_low); /* this write sends */
    for (int i = 0; i < ICR_SPIN_LIMIT; i++) {
        if (!(lapic_read(LAPIC_ICR_LOW) & ICR_SEND_PENDING))
            return true;
        cpu_pause();
    }
    return false;
}

/* ---------------------------------------------------------------- timer */

/* Functions called on every tick of CPU 0 (apic_timer_hook_add); written only before the
 * hook count is published, so the handler reads them without a lock. */
#define APIC_TIMER_HOOKS 4
static void (*apic_timer_hooks[APIC_TIMER_HOOKS])(void);
static unsigned apic_timer_hook_count;

bool apic_timer_hook_add(void (*fn)(void))
{
    unsigned n = __atomic_load_n(&apic_timer_hook_count, __ATOMIC_ACQUIRE);
    if (n == APIC_TIMER_HOOKS)
        return false;
    apic_timer_hooks[n] = fn;
    __atomic_store_n(&apic_timer_hook_count, n + 1, __ATOMIC_RELEASE);
    return true;
}

bool apic_timer_has_hooks(void)
{
    return __atomic_load_n(&apic_timer_hook_count, __ATOMIC_ACQUIRE) != 0;
}

static void apic_timer_handler(interrupt_frame_t *frame)
{
    (void)frame;
    unsigned cpu = smp_cpu_index();
    __atomic_fetch_add(&lapic_ticks[cpu], 1, __ATOMIC_RELAXED);
    apic_eoi(); /* before the hooks: the scheduler may switch away and return much later */
    if (cpu == 0) {
        unsigned n = __atomic_load_n(&apic_timer_hook_count, __ATOMIC_ACQUIRE);
        for (unsigned i = 0; i < n; i++)
            apic_timer_hooks[i]();
    }
    arch_hooks()->timer_tick();
}

void apic_timer_state(uint32_t *lvt, uint32_t *count)
{
    *lvt = lapic_read(LAPIC_LVT_TIMER);
    *count = lapic_read(LAPIC_TIMER_INIT);
}

uint32_t apic_timer_period_count(void)
{
    return lapic_period_count;
}

/* LAPIC timer ticks per second (after the divide-by-16) measured against clock_now_ns. */
static uint64_t apic_timer_calibrate(void)
{
    lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
    lapic_timer_program(LVT_MASKED | APIC_TIMER_VECTOR, 0xFFFFFFFFu); /* one-shot, silent */
    uint64_t t0 = clock_now_ns();
    clock_delay_ns(TIMER_CAL_NS);
    uint32_t left = lapic_read(LAPIC_TIMER_CUR);
    uint64_t t1 = clock_now_ns();
    lapic_write(LAPIC_TIMER_INIT, 0);
    uint64_t counted = 0xFFFFFFFFu - left;
    if (t1 <= t0 || counted == 0 || left == 0)
        return 0;
    return counted * 1000000000ULL / (t1 - t0);
}

void apic_timer_start(uint32_t hz)
{
    if (!lapic_ready || hz == 0) {
        kprintf("apic: timer not started (%s)\n", lapic_ready ? "0 Hz" : "no APIC");
        return;
    }
    if (!lapic_timer_hz) /* all CPUs share one bus clock: calibrate once */
        lapic_timer_hz = apic_timer_calibrate();
    if (lapic_timer_hz < hz) {
        kprintf("apic: LAPIC timer calibration failed (%llu Hz)\n",
                (unsigned long long)lapic_timer_hz);
        lapic_timer_hz = 0;
        return;
    }
    uint64_t count = lapic_timer_hz / hz;
    if (count > 0xFFFFFFFFu)
        count = 0xFFFFFFFFu;
    idt_set_handler(APIC_TIMER_VECTOR, apic_timer_handler);
    lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
    lapic_timer_program(LVT_TIMER_PERIODIC | APIC_TIMER_VECTOR, (uint32_t)count);
    lapic_period_count = (uint32_t)count;
    kprintf("apic: timer %u Hz (LAPIC timer %llu kHz after /16, count %llu)\n", hz,
            (unsigned long long)(lapic_timer_hz / 1000), (unsigned long long)count);
}

bool apic_timer_oneshot_ns(uint64_t ns)
{
    if (!lapic_period_count)
        return false;
    const uint64_t max_ns = 10ULL * 1000000000ULL; /* keeps ns * hz far from overflow */
    uint64_t count = 0;
    if (ns) {
        count = (ns < max_ns ? ns : max_ns) * lapic_timer_hz / 1000000000ULL;
        count = count ? (count > 0xFFFFFFFFu ? 0xFFFFFFFFu : count) : 1;
    }
    lapic_timer_program(APIC_TIMER_VECTOR, (uint32_t)count); /* one-shot; 0: stopped */
    return true;
}

void apic_timer_resume_periodic(void)
{
    if (!lapic_period_count)
        return;
    lapic_timer_program(LVT_TIMER_PERIODIC | APIC_TIMER_VECTOR, lapic_period_count);
}

uint64_t apic_timer_ticks(void)
{
    return apic_timer_ticks_cpu(smp_cpu_index());
}

uint64_t apic_timer_ticks_cpu(unsigned cpu)
{
    return cpu < SMP_MAX_CPUS ? __atomic_load_n(&lapic_ticks[cpu], __ATOMIC_RELAXED) : 0;
}

void apic_timer_start_ap(void)
{
    if (!lapic_ready || !lapic_period_count)
        return;
    lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
    lapic_timer_program(LVT_TIMER_PERIODIC | APIC_TIMER_VECTOR, lapic_period_count);
}
