/*
 * smp.c - bringing up the application processors (APs) and parking them.
 *
 * The boot CPU copies the trampoline (smp_trampoline.S) to a page below 1 MiB and builds a
 * temporary PML4 there too: identity map of the low 2 MiB (read-only, so the trampoline can
 * turn paging on while running from its low page) plus the kernel half shared with the
 * kernel's PML4. The kernel's own tables keep no identity map. APs are started one at a
 * time: stacks, parameter block, INIT, 10 ms, SIPI (and a second SIPI if the first went
 * unanswered), then up to SMP_START_TIMEOUT_NS for the AP to mark itself online. An AP that
 * misses the deadline is sent INIT again (back to wait-for-SIPI, so it can't run the
 * trampoline later with another CPU's parameters), logged and skipped; its record stays
 * (state FAILED), so online CPU numbers can have holes.
 *
 * Each AP: its own GDT/TSS/IST stacks, the shared IDT, the protection bits, the kernel's
 * CR3, SYSCALL MSRs (the ap_init_cpu hook), TSC_AUX = its number, LAPIC. Then it enters the
 * scheduler through the ap_entry hook (kernel/arch/hooks.h; sched_ap_entry, which waits
 * until the boot CPU has the scheduler running). The panic NMI reaches every CPU
 * (smp_nmi.c). APs never print: the boot CPU logs for them.
 */
#include "kernel/arch/smp.h"
#include "kernel/acpi/acpi.h"
#include "kernel/arch/apic.h"
#include "kernel/arch/arch.h"
#include "kernel/arch/arch_mem.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/hooks.h"
#include "kernel/arch/smp_trampoline.h"
#include "kernel/arch/tlb.h"
#include "kernel/kprintf.h"
#include "kernel/lib/string.h"
#include "kernel/panic.h"
#include "kernel/time/clock.h"
#include "mm/hhdm.h"
#include "mm/pte.h"

#define MSR_TSC_AUX        0xC0000103
#define EFER_LME           (1ULL << 8)
#define LOW_MEMORY_LIMIT   0x100000ULL
#define SMP_INIT_DELAY_NS  10000000ULL   /* INIT -> SIPI, for CPUs that need it */
#define SMP_INIT_DELAY_MODERN_NS 10000ULL
#define SMP_SIPI_DELAY_NS  200000ULL     /* SIPI -> second SIPI */
#define SMP_POLL_NS        10000ULL
#define SMP_AP_STACK_RESERVED 16         /* top 16 bytes: owner word 0 (see sched_current) */
#define TRAMP_PAGES        4             /* code, PML4, PDPT, PD */

typedef struct {
    uint64_t pages[TRAMP_PAGES];         /* physical, all below 1 MiB */
    smp_tramp_params_t *params;
} smp_tramp_t;

enum { TRAMP_CODE, TRAMP_PML4, TRAMP_PDPT, TRAMP_PD };

void smp_ap_main(percpu_t *p);

static void smp_tramp_free(smp_tramp_t *t)
{
    for (int i = 0; i < TRAMP_PAGES; i++)
        if (t->pages[i])
            arch_mem()->page_free(t->pages[i]);
}

static void smp_tramp_build_tables(const smp_tramp_t *t)
{
    uint64_t *pml4 = phys_to_virt(t->pages[TRAMP_PML4]);
    uint64_t *pdpt = phys_to_virt(t->pages[TRAMP_PDPT]);
    uint64_t *pd = phys_to_virt(t->pages[TRAMP_PD]);
    const uint64_t *kernel = phys_to_virt(arch_mem()->kernel_pml4());

    memset(pml4, 0, PAGE_SIZE);
    memset(pdpt, 0, PAGE_SIZE);
    memset(pd, 0, PAGE_SIZE);
    pml4[0] = t->pages[TRAMP_PDPT] | PTE_P | PTE_W;
    pdpt[0] = t->pages[TRAMP_PD] | PTE_P | PTE_W;
    pd[0] = 0 | PTE_P | PTE_PS; /* low 2 MiB identity, read-only, executable */
    /* The kernel half's PML4 entries are all preallocated by mm (vmm_init) and never change. */
    for (int i = 256; i < 512; i++)
        pml4[i] = kernel[i];
}

static void smp_tramp_fill(smp_tramp_t *t)
{
    uint64_t base = t->pages[TRAMP_CODE];
    uint8_t *code = phys_to_virt(base);
    size_t len = (size_t)(smp_trampoline_end - smp_trampoline_start);

    ASSERT(len <= TRAMP_PARAMS); /* the blob must not overlap its parameter block */
    memset(code, 0, PAGE_SIZE);
    memcpy(code, smp_trampoline_start, len);
    smp_tramp_params_t *pr = (smp_tramp_params_t *)(code + TRAMP_PARAMS);
    pr->gdt_limit = (uint16_t)(smp_trampoline_gdt_end - smp_trampoline_gdt - 1);
    pr->gdt_base = (uint32_t)(base + (uint64_t)(smp_trampoline_gdt - smp_trampoline_start));
    pr->far32_offset = (uint32_t)(base + (uint64_t)(smp_trampoline_pm32 - smp_trampoline_start));
    pr->far32_sel = TRAMP_SEL_CODE32;
    pr->far64_offset = (uint32_t)(base + (uint64_t)(smp_trampoline_lm64 - smp_trampoline_start));
    pr->far64_sel = TRAMP_SEL_CODE64;
    pr->temp_cr3 = (uint32_t)t->pages[TRAMP_PML4];
    pr->efer_bits = (uint32_t)(EFER_LME | (arch_mem()->nx_enabled() ? EFER_NXE : 0));
    pr->entry = (uint64_t)smp_ap_long_entry;
    t->params = pr;
}

static bool smp_tramp_setup(smp_tramp_t *t)
{
    *t = (smp_tramp_t){ 0 };
    for (int i = 0; i < TRAMP_PAGES; i++) {
        /* Never page 0 (0 means none): that would be SIPI vector 0 and the real-mode IVT. */
        t->pages[i] = arch_mem()->page_alloc_below(LOW_MEMORY_LIMIT);
        if (t->pages[i] == 0)
            goto fail;
    }
    smp_tramp_build_tables(t);
    smp_tramp_fill(t);
    return true;
fail:
    smp_tramp_free(t);
    return false;
}

/* ---------------------------------------------------------------- AP side */

static void percpu_record_self(percpu_t *p)
{
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } gdtr;
    uint16_t tr;
    __asm__ volatile("sgdt %0; str %1" : "=m"(gdtr), "=r"(tr));
    p->seen_gdt_base = gdtr.base;
    p->seen_tr = tr;
    p->seen_apic_id = apic_id();
    if (smp_have_rdtscp()) {
        uint32_t lo, hi, aux;
        __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
        p->seen_tsc_aux = aux;
    }
}

/* Entered from smp_ap_long_entry on the AP's own stack, still on the temporary tables. */
void smp_ap_main(percpu_t *p)
{
    arch_init_cpu_ap(p->index, p->ist_tops, p->stack_top - SMP_AP_STACK_RESERVED);
    write_cr3(arch_mem()->kernel_pml4()); /* the trampoline GDT is no longer needed */
    arch_hooks()->ap_init_cpu();
    if (smp_have_rdtscp())
        wrmsr(MSR_TSC_AUX, p->index);
    apic_init_ap();
    percpu_record_self(p);

    percpu_state_t expected = PERCPU_STARTING;
    bool online = __atomic_compare_exchange_n(&p->state, &expected, PERCPU_ONLINE, false,
                                              __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    if (online)
        arch_hooks()->ap_entry(p->index);
    /* Timed out (the boot CPU gave up on it) or the hook returned: parked, interrupts off;
     * NMIs still arrive. */
    for (;;)
        __asm__ volatile("cli; hlt" ::: "memory");
}

/* ---------------------------------------------------------------- boot CPU side */

static bool smp_alloc_stacks(percpu_t *p)
{
    p->stack_top = arch_mem()->kstack_alloc(SMP_AP_STACK_SIZE);
    if (!p->stack_top)
        return false;
    for (int i = 0; i < IST_STACK_COUNT; i++) {
        p->ist_tops[i] = arch_mem()->kstack_alloc(IST_STACK_SIZE);
        if (!p->ist_tops[i])
            return false; /* the rest stays allocated with the record: a one-off boot cost */
    }
    return true;
}

/* Waits until the AP left STARTING or ns passed; true when it is online. */
static bool smp_wait_online(percpu_t *p, uint64_t ns)
{
    uint64_t deadline = clock_now_ns() + ns;
    do {
        percpu_state_t s = __atomic_load_n(&p->state, __ATOMIC_ACQUIRE);
        if (s != PERCPU_STARTING)
            return s == PERCPU_ONLINE;
        clock_delay_ns(SMP_POLL_NS);
    } while (clock_now_ns() < deadline);
    return __atomic_load_n(&p->state, __ATOMIC_ACQUIRE) == PERCPU_ONLINE;
}

/* The MP specification's 10 ms between INIT and SIPI is for old external-APIC systems;
 * Intel family 6 and later and AMD family 0Fh and later start without it (Linux drops the
 * delay on the same CPUs). Saves 10 ms per AP at boot. */
static uint64_t smp_init_delay_ns(void)
{
    uint32_t a, b, c, d;
    cpuid(0, 0, &a, &b, &c, &d);
    bool intel = b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e; /* GenuineIntel */
    bool amd = b == 0x68747541 && d == 0x69746e65 && c == 0x444d4163;   /* AuthenticAMD */
    cpuid(1, 0, &a, &b, &c, &d);
    uint32_t family = (a >> 8) & 0xF;
    if (family == 0xF)
        family += (a >> 20) & 0xFF;
    if ((intel && family >= 6) || (amd && family >= 0xF))
        return SMP_INIT_DELAY_MODERN_NS;
    return SMP_INIT_DELAY_NS;
}

static bool smp_send_startup(percpu_t *p, uint8_t vector)
{
    if (!apic_send_ipi(p->apic_id, APIC_IPI_INIT))
        return false;
    clock_delay_ns(smp_init_delay_ns());
    if (!apic_send_ipi(p->apic_id, APIC_IPI_STARTUP | vector))
        return false;
    if (smp_wait_online(p, SMP_SIPI_DELAY_NS))
        return true;
    /* A second SIPI is ignored by a CPU that already left wait-for-SIPI. */
    if (!apic_send_ipi(p->apic_id, APIC_IPI_STARTUP | vector))
        return false;
    return smp_wait_online(p, SMP_START_TIMEOUT_NS);
}

/* Returns true when the AP came online; otherwise it is marked FAILED and put back to
 * wait-for-SIPI. */
static bool smp_start_ap(smp_tramp_t *t, percpu_t *p)
{
    bool ok = smp_alloc_stacks(p);
    if (ok) {
        t->params->stack = p->stack_top - SMP_AP_STACK_RESERVED;
        t->params->arg = (uint64_t)p;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        ok = smp_send_startup(p, (uint8_t)(t->pages[TRAMP_CODE] >> 12));
    }
    percpu_state_t expected = PERCPU_STARTING;
    if (__atomic_compare_exchange_n(&p->state, &expected, PERCPU_FAILED, false,
                                    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        apic_send_ipi(p->apic_id, APIC_IPI_INIT);
        return false;
    }
    return expected == PERCPU_ONLINE; /* it made it just before the deadline */
}

static void smp_init_boot_cpu(void)
{
    smp_percpu_register(0, apic_id());
    percpu_t *p = percpu_get(0);
    tss_t *tss = gdt_cpu_tss(0);
    for (int i = 0; i < IST_STACK_COUNT; i++)
        p->ist_tops[i] = tss->ist[i];
    if (smp_have_rdtscp())
        wrmsr(MSR_TSC_AUX, 0);
    percpu_record_self(p);
    __atomic_store_n(&p->state, PERCPU_ONLINE, __ATOMIC_RELEASE);
}

/* Starts every enabled MADT CPU but the boot CPU; returns how many the MADT lists enabled. */
static unsigned smp_start_all(smp_tramp_t *t, bool *any_failed)
{
    uint32_t bsp = percpu_get(0)->apic_id;
    unsigned enabled = 0;
    for (size_t i = 0; i < acpi_info.cpu_count; i++) {
        const acpi_cpu_t *c = &acpi_info.cpus[i];
        if (!c->enabled)
            continue;
        enabled++;
        if (c->apic_id == bsp)
            continue;
        unsigned index = smp_cpu_count();
        if (index >= SMP_MAX_CPUS) {
            kprintf("smp: CPU (APIC id %u) beyond the %u-CPU limit, skipped\n", c->apic_id,
                    SMP_MAX_CPUS);
            continue;
        }
        smp_percpu_register(index, c->apic_id);
        percpu_t *p = percpu_get(index);
        if (t && smp_start_ap(t, p)) {
            kprintf("smp: CPU %u (APIC id %u) online\n", index, c->apic_id);
            continue;
        }
        if (t)
            *any_failed = true;
        else
            __atomic_store_n(&p->state, PERCPU_FAILED, __ATOMIC_RELEASE);
        kprintf("smp: CPU %u (APIC id %u) did not start, skipped\n", index, c->apic_id);
    }
    return enabled ? enabled : 1; /* no MADT: the boot CPU alone */
}

void smp_init(void)
{
    smp_tramp_t tramp;
    bool any_failed = false;

    smp_init_boot_cpu();
    ipi_init();
    smp_nmi_install();
    bool have_tramp = smp_tramp_setup(&tramp);
    if (!have_tramp && acpi_info.cpu_count > 1)
        kprintf("smp: no page below 1 MiB for the AP trampoline\n");
    unsigned listed = smp_start_all(have_tramp ? &tramp : NULL, &any_failed);
    /* A failed AP was sent INIT, but keep its trampoline in case that did not reach it. */
    if (have_tramp && !any_failed)
        smp_tramp_free(&tramp);
    kprintf("smp: %u of %u CPUs online\n", smp_online_count(), listed);
}
